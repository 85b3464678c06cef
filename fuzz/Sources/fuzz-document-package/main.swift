// ODF and OOXML packages (OfficeDocuments over ZipKit/libzip and XMLKit/libxml2): any bytes named .odt.
import Foundation
import FuzzSupport
import OfficeDocuments

FuzzHarness.run { bytes in
    let file = FuzzHarness.scratchFile(holding: bytes, fileExtension: "odt")
    _ = FuzzReaders.document.read(path: file.path)
}
