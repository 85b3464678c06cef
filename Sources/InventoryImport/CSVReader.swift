import Foundation

/// Rows of a table, one at a time: a CSV file or a spreadsheet sheet.
///
/// Fields are decoded on demand, so a wide export costs only the columns that are used.
protocol RowSource: AnyObject {
    /// Moves to the next row; false at the end.
    func advance() throws(ImportError) -> Bool
    /// 1-based line (CSV: physical line where the record starts; sheets: row number).
    var line: Int { get }
    var fieldCount: Int { get }
    /// The field at `index`, or "" when the row is shorter.
    func field(_ index: Int) -> String
    /// Whether the field at `index` is empty (cheaper than decoding it).
    func fieldIsEmpty(_ index: Int) -> Bool
    /// The field at `index` read as a calendar day (``ValueParsing/date(_:)``), or nil.
    func dateValue(_ index: Int) -> Date?
    /// A problem with the current row that makes it unreadable (an unterminated quote), if any.
    var rowProblem: String? { get }
    /// Whether a row with fewer fields than the header is worth flagging: true for CSV, where it means a row cut
    /// short; false for spreadsheets, which leave out trailing empty cells.
    var flagsShortRows: Bool { get }
}

extension RowSource {
    func dateValue(_ index: Int) -> Date? { ValueParsing.date(field(index)) }

    var allFields: [String] { (0..<fieldCount).map { field($0) } }

    /// Whether every field of the current row is empty: a blank line in a spreadsheet or a CSV of separators.
    var isBlankRow: Bool { (0..<fieldCount).allSatisfy { fieldIsEmpty($0) } }

    /// The field at `index` with surrounding white space removed, or nil when there is no such column or
    /// the field is empty.
    func trimmedValue(_ index: Int?) -> String? {
        guard let index, !fieldIsEmpty(index) else { return nil }
        let text = field(index).trimmedField
        return text.isEmpty ? nil : text
    }
}

/// A streaming CSV/TSV reader over bytes (RFC 4180 plus what real exports do).
///
/// Quoted fields may hold delimiters, quotes (`""`) and newlines; text after a closing quote is kept;
/// CRLF and LF both end records; blank lines are skipped. A record longer than `maxRecordBytes`
/// refuses the file (``ImportError/recordTooLarge(file:line:limit:)``): that bounds memory whatever
/// the input holds. Memory is one input chunk plus one record.
final class CSVReader: RowSource {
    static let defaultMaxRecordBytes = 8 << 20

    let stream: TextStream
    let delimiter: UInt8
    var flagsShortRows: Bool { true }
    let maxRecordBytes: Int
    private let fileName: String
    private let encoding: TextEncoding

    // The reader belongs to one thread at a time and these are touched several times per field: Swift's
    // run-time exclusivity checks on them cost about 6% of a large import, so they are left out here.
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    @exclusivity(unchecked) private var position = 0
    @exclusivity(unchecked) private var physicalLine = 1
    @exclusivity(unchecked) private var exhausted = false

    @exclusivity(unchecked) private var recordBytes: [UInt8] = []
    @exclusivity(unchecked) private var fieldEnds: [Int] = []
    @exclusivity(unchecked) private(set) var line = 0
    @exclusivity(unchecked) private(set) var rowProblem: String?
    @exclusivity(unchecked) private var interner = FieldInterner()

    init(stream: TextStream, delimiter: UInt8, maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes) {
        self.stream = stream
        self.delimiter = delimiter
        self.maxRecordBytes = maxRecordBytes
        self.fileName = stream.file.url.path
        self.encoding = stream.encoding
        recordBytes.reserveCapacity(4096)
        fieldEnds.reserveCapacity(64)
    }

    var fieldCount: Int { fieldEnds.count }

    func field(_ index: Int) -> String {
        guard index >= 0, index < fieldEnds.count else { return "" }
        let start = index == 0 ? 0 : fieldEnds[index - 1]
        let end = fieldEnds[index]
        if start == end { return "" }
        let encoding = self.encoding
        return recordBytes.withUnsafeBufferPointer { pointer in
            interner.string(for: UnsafeBufferPointer(rebasing: pointer[start..<end])) {
                FieldDecoder.string($0, encoding: encoding)
            }
        }
    }

    /// Appends the current row's bytes to `bytes` and its field ends, shifted by `offset`, to `ends`.
    func appendCurrentRow(bytes: inout [UInt8], fieldEnds ends: inout [Int], offset: Int) {
        bytes.append(contentsOf: recordBytes)
        for end in fieldEnds { ends.append(offset + end) }
    }

    /// Parses the field's bytes directly: no `String` is made for a date. The same answer as
    /// ``ValueParsing/date(_:)`` on the decoded field, since a day is ASCII and any other byte refuses it in
    /// both forms.
    func dateValue(_ index: Int) -> Date? {
        guard index >= 0, index < fieldEnds.count else { return nil }
        let start = index == 0 ? 0 : fieldEnds[index - 1]
        let end = fieldEnds[index]
        return recordBytes.withUnsafeBufferPointer { pointer in
            ValueParsing.date(utf8: UnsafeBufferPointer(rebasing: pointer[start..<end]))
        }
    }

    func fieldIsEmpty(_ index: Int) -> Bool {
        guard index >= 0, index < fieldEnds.count else { return true }
        let start = index == 0 ? 0 : fieldEnds[index - 1]
        return start == fieldEnds[index]
    }

    private enum State {
        case fieldStart
        case unquoted
        case quoted
        case quoteInQuoted
    }

    private enum Step {
        case needInput
        case recordEnd
        case tooLarge
    }

    func advance() throws(ImportError) -> Bool {
        while true {
            recordBytes.removeAll(keepingCapacity: true)
            fieldEnds.removeAll(keepingCapacity: true)
            rowProblem = nil
            line = physicalLine
            var state = State.fieldStart
            var sawContent = false
            while true {
                if position >= buffer.count {
                    if exhausted { break }
                    guard let chunk = try stream.next() else {
                        exhausted = true
                        break
                    }
                    buffer = chunk
                    position = 0
                    continue
                }
                let step = scan(state: &state, sawContent: &sawContent)
                if case .tooLarge = step {
                    throw .recordTooLarge(file: fileName, line: line, limit: maxRecordBytes)
                }
                if case .recordEnd = step { break }
            }
            let atEnd = exhausted && position >= buffer.count
            if !sawContent && recordBytes.isEmpty {
                if atEnd { return false }
                continue  // blank line
            }
            if state == .quoted { rowProblem = "unterminated quoted field" }
            finishField()
            return true
        }
    }

    private func finishField() {
        // A CR before the LF that ended the record is not data.
        if recordBytes.last == 0x0D, recordBytes.count > (fieldEnds.last ?? 0) { recordBytes.removeLast() }
        fieldEnds.append(recordBytes.count)
    }

    /// Scans the buffer from `position`; stops at the end of a record or of the buffer.
    private func scan(state: inout State, sawContent: inout Bool) -> Step {
        let delimiter = self.delimiter
        let quote: UInt8 = 0x22
        let newline: UInt8 = 0x0A
        let limit = maxRecordBytes
        var result = Step.needInput
        var index = position
        var lines = 0
        // Work on local copies (moved out, so no copy is made): class properties inside the loop would
        // cost an exclusivity check on every byte.
        var recordBytes = self.recordBytes
        var fieldEnds = self.fieldEnds
        self.recordBytes = []
        self.fieldEnds = []
        defer {
            self.recordBytes = recordBytes
            self.fieldEnds = fieldEnds
        }
        buffer.withUnsafeBufferPointer { input in
            let count = input.count
            loop: while index < count {
                let byte = input[index]
                index += 1
                switch state {
                case .fieldStart:
                    sawContent = true
                    if byte == quote {
                        state = .quoted
                    } else if byte == delimiter {
                        fieldEnds.append(recordBytes.count)
                    } else if byte == newline {
                        lines += 1
                        if recordBytes.isEmpty && fieldEnds.isEmpty { sawContent = false }
                        result = .recordEnd
                        break loop
                    } else if byte == 0x0D && recordBytes.isEmpty && fieldEnds.isEmpty {
                        sawContent = false
                    } else {
                        recordBytes.append(byte)
                        state = .unquoted
                    }
                case .unquoted:
                    // Fast path: copy a run of ordinary bytes at once.
                    var runEnd = index - 1
                    while runEnd < count {
                        let b = input[runEnd]
                        if b == delimiter || b == newline { break }
                        runEnd += 1
                    }
                    recordBytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[(index - 1)..<runEnd]))
                    index = runEnd
                    if runEnd < count {
                        let b = input[runEnd]
                        index += 1
                        if b == delimiter {
                            fieldEnds.append(recordBytes.count)
                            state = .fieldStart
                        } else {
                            lines += 1
                            result = .recordEnd
                            break loop
                        }
                    }
                case .quoted:
                    if byte == quote {
                        state = .quoteInQuoted
                    } else {
                        if byte == newline { lines += 1 }
                        recordBytes.append(byte)
                    }
                case .quoteInQuoted:
                    if byte == quote {
                        recordBytes.append(quote)
                        state = .quoted
                    } else if byte == delimiter {
                        fieldEnds.append(recordBytes.count)
                        state = .fieldStart
                    } else if byte == newline {
                        lines += 1
                        result = .recordEnd
                        break loop
                    } else if byte == 0x0D {
                        continue
                    } else {
                        // Text after a closing quote: keep it, as spreadsheet programs do.
                        recordBytes.append(byte)
                        state = .unquoted
                    }
                }
                if recordBytes.count > limit {
                    result = .tooLarge
                    break loop
                }
            }
        }
        if case .needInput = result, recordBytes.count > limit { result = .tooLarge }
        position = index
        physicalLine += lines
        return result
    }
}

/// Chooses the delimiter of a CSV/TSV text from its first lines: the candidate (`,` `;` tab `|`)
/// that occurs outside quotes in the header line and the same number of times in the lines after it.
enum DelimiterSniffer {
    static let candidates: [UInt8] = [0x09, 0x3B, 0x2C, 0x7C]

    static func sniff(_ prefix: [UInt8]) -> UInt8 {
        let lines = logicalLines(prefix, maxLines: 12).filter { line in
            !(line.starts(with: Array("#TYPE".utf8)) || line.starts(with: Array("sep=".utf8)))
        }
        if let sep = explicitSeparator(prefix) { return sep }
        guard let header = lines.first else { return 0x2C }
        var best: (delimiter: UInt8, score: Int) = (0x2C, -1)
        for candidate in candidates {
            let headerCount = count(candidate, in: header)
            if headerCount == 0 { continue }
            let consistent = lines.dropFirst().filter { count(candidate, in: $0) == headerCount }.count
            let score = headerCount + consistent * 1000
            if score > best.score { best = (candidate, score) }
        }
        return best.delimiter
    }

    /// Excel's `sep=;` first line.
    static func explicitSeparator(_ prefix: [UInt8]) -> UInt8? {
        let sep = Array("sep=".utf8)
        guard prefix.starts(with: sep), prefix.count > sep.count else { return nil }
        let byte = prefix[sep.count]
        return byte == 0x0A || byte == 0x0D ? nil : byte
    }

    static func count(_ delimiter: UInt8, in line: ArraySlice<UInt8>) -> Int {
        var inQuotes = false
        var total = 0
        for byte in line {
            if byte == 0x22 { inQuotes.toggle() } else if byte == delimiter && !inQuotes { total += 1 }
        }
        return total
    }

    /// Lines split on newlines outside quotes.
    static func logicalLines(_ bytes: [UInt8], maxLines: Int) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var inQuotes = false
        var index = 0
        while index < bytes.count && lines.count < maxLines {
            let byte = bytes[index]
            if byte == 0x22 {
                inQuotes.toggle()
            } else if byte == 0x0A && !inQuotes {
                var end = index
                if end > start && bytes[end - 1] == 0x0D { end -= 1 }
                if end > start { lines.append(bytes[start..<end]) }
                start = index + 1
            }
            index += 1
        }
        if lines.count < maxLines && start < bytes.count && index >= bytes.count {
            lines.append(bytes[start..<bytes.count])
        }
        return lines
    }
}
