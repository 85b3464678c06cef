// Compound files (.doc/.xls/.ppt; OfficeDocuments over CompoundFileKit/libgsf): any bytes named .doc.
import Foundation
import FuzzSupport
import OfficeDocuments

FuzzHarness.run { bytes in
    let file = FuzzHarness.scratchFile(holding: bytes, fileExtension: "doc")
    _ = FuzzReaders.document.read(path: file.path)
}
