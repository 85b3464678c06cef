/// XLSX and ODS sheets.
enum SpreadsheetReader {
    static func detectKind(file: ChunkedFile, rawPrefix: [UInt8]) throws(ImportError) -> InputFormat {
        .xlsx
    }

    static func importSheet(
        file: ChunkedFile, rawPrefix: [UInt8], forced: InputFormat?, emitter: RecordEmitter
    ) throws(ImportError) {
        throw .unrecognisedFormat(file: emitter.fileName, detail: "spreadsheet reading is not built yet")
    }
}
