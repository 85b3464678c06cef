// Flat ODF (.fodt) and OpenOffice.org 1.x XML: the flat reader's prefix and whole-file parse of office:meta.
import Foundation
import FuzzSupport
import OfficeDocuments

FuzzHarness.run { bytes in
    let file = FuzzHarness.scratchFile(holding: bytes, fileExtension: "fodt")
    _ = FuzzReaders.document.read(path: file.path)
}
