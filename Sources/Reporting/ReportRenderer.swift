public import Foundation
public import Geography
import OverblikModel

/// Output formats of `overblik report`.
public enum ReportFormat: String, Sendable, CaseIterable, Codable {
    case html, odt, ods, pdf, md, csv, json

    /// Parses a comma-separated list (`html,odt,json`); `all` means every format.
    public static func parseList(_ text: String) throws -> [ReportFormat] {
        var formats: [ReportFormat] = []
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            if part == "all" { return allCases }
            if part == "markdown" {
                formats.append(.md)
                continue
            }
            guard let format = ReportFormat(rawValue: part) else { throw ReportError.unknownFormat(part) }
            if !formats.contains(format) { formats.append(format) }
        }
        return formats
    }
}

/// How to render: language, formats, where, and small per-format choices.
public struct RenderOptions: Sendable {
    public var language: ReportLanguage
    public var formats: [ReportFormat]
    public var outputDirectory: URL
    /// File-name stem: `national` → `national.html`, `national-office-suites.csv`, ...
    public var stem: String
    public var csv: CSVOptions
    public var mapMeasure: MapMeasure
    /// The LibreOffice binary for PDF (default: `soffice` on PATH, or `$OVERBLIK_SOFFICE`).
    public var soffice: String?

    public init(
        language: ReportLanguage = .danish, formats: [ReportFormat], outputDirectory: URL, stem: String,
        csv: CSVOptions = CSVOptions(), mapMeasure: MapMeasure = .os2Products, soffice: String? = nil
    ) {
        self.language = language
        self.formats = formats
        self.outputDirectory = outputDirectory
        self.stem = stem
        self.csv = csv
        self.mapMeasure = mapMeasure
        self.soffice = soffice
    }
}

/// Renders a ``Report`` into files. Every file is written under a temporary name and renamed.
public struct ReportRenderer: Sendable {
    public let directory: AuthorityDirectory
    public let geometry: MunicipalityGeometry

    public init(directory: AuthorityDirectory = .denmark, geometry: MunicipalityGeometry) {
        self.directory = directory
        self.geometry = geometry
    }

    /// Writes every requested format; returns the files written, in format order.
    @discardableResult
    public func write(_ report: Report, options: RenderOptions) throws -> [URL] {
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(at: options.outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw ReportError.writeFailed(file: options.outputDirectory.path, reason: error.localizedDescription)
        }
        let document = ReportComposer.compose(
            report, language: options.language, directory: directory, mapMeasure: options.mapMeasure)
        var written: [URL] = []
        func url(_ suffix: String) -> URL {
            options.outputDirectory.appendingPathComponent(options.stem + suffix)
        }
        for format in options.formats {
            switch format {
            case .html:
                let target = url(".html")
                try Self.writeAtomically(
                    Data(HTMLRenderer.render(document, geometry: geometry, directory: directory).utf8), to: target)
                written.append(target)
            case .md:
                let target = url(".md")
                try Self.writeAtomically(Data(MarkdownRenderer.render(document).utf8), to: target)
                written.append(target)
            case .json:
                let target = url(".json")
                try Self.writeAtomically(try JSONRenderer.render(report), to: target)
                written.append(target)
            case .csv:
                for table in document.tables {
                    let target = url("-\(table.id).csv")
                    try Self.writeAtomically(CSVRenderer.render(table, options: options.csv), to: target)
                    written.append(target)
                }
            case .ods:
                let target = url(".ods")
                try ODSRenderer.write(document, to: target)
                written.append(target)
            case .odt:
                let target = url(".odt")
                try ODTRenderer.write(document, to: target, geometry: geometry, directory: directory)
                written.append(target)
            case .pdf:
                let target = url(".pdf")
                try PDFConverter.convert(
                    document: document, to: target, geometry: geometry, directory: directory,
                    existingODT: options.formats.contains(.odt) ? url(".odt") : nil, soffice: options.soffice)
                written.append(target)
            }
        }
        return written
    }

    /// The HTML of a report as a string (what `html` writes).
    public func html(_ report: Report, language: ReportLanguage, mapMeasure: MapMeasure = .os2Products) -> String {
        let document = ReportComposer.compose(report, language: language, directory: directory, mapMeasure: mapMeasure)
        return HTMLRenderer.render(document, geometry: geometry, directory: directory)
    }

    /// The Markdown of a report as a string.
    public func markdown(_ report: Report, language: ReportLanguage) -> String {
        MarkdownRenderer.render(
            ReportComposer.compose(report, language: language, directory: directory, mapMeasure: .os2Products))
    }

    /// The CSV tables of a report, by table id.
    public func csvTables(_ report: Report, language: ReportLanguage, options: CSVOptions) -> [(id: String, data: Data)]
    {
        ReportComposer.compose(report, language: language, directory: directory, mapMeasure: .os2Products).tables.map {
            ($0.id, CSVRenderer.render($0, options: options))
        }
    }

    /// An index page linking every report of a batch: (title, file names) per entry.
    public func writeIndex(
        entries: [(title: String, files: [String])], language: ReportLanguage, synthetic: Bool, to url: URL
    ) throws {
        let t: (Label) -> String = { $0.text(language) }
        var html = """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(xmlEscape(t(.index)))</title><style>\(HTMLRenderer.css)</style></head><body>
            <h1>\(xmlEscape(t(.index)))</h1>

            """
        if synthetic { html += "<p class=\"notice\" role=\"note\">\(xmlEscape(t(.syntheticBanner)))</p>\n" }
        html += "<table><caption>\(xmlEscape(t(.reports)))</caption><thead><tr><th scope=\"col\">"
        html += "\(xmlEscape(t(.scope)))</th><th scope=\"col\">\(xmlEscape(t(.reports)))</th></tr></thead><tbody>\n"
        for entry in entries {
            let links = entry.files.map { "<a href=\"\(xmlEscape($0))\">\(xmlEscape($0))</a>" }.joined(separator: " · ")
            html += "<tr><th scope=\"row\">\(xmlEscape(entry.title))</th><td>\(links)</td></tr>\n"
        }
        html += "</tbody></table>\n</body></html>\n"
        try Self.writeAtomically(Data(html.utf8), to: url)
    }

    static func writeAtomically(_ data: Data, to url: URL) throws {
        do { try DurableFile.write(data, to: url) } catch {
            throw ReportError.writeFailed(file: url.path, reason: error.reason)
        }
    }
}

/// PDF through LibreOffice headless, from the report's ODT.
enum PDFConverter {
    static func findSoffice(_ explicit: String?) -> String? {
        let fileManager = FileManager.default
        if let explicit { return fileManager.isExecutableFile(atPath: explicit) ? explicit : nil }
        if let env = ProcessInfo.processInfo.environment["OVERBLIK_SOFFICE"], fileManager.isExecutableFile(atPath: env)
        {
            return env
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            for name in ["soffice", "libreoffice"] {
                let candidate = "\(folder)/\(name)"
                if fileManager.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    static func convert(
        document: ReportDocument, to target: URL, geometry: MunicipalityGeometry, directory: AuthorityDirectory,
        existingODT: URL?, soffice: String?
    ) throws {
        guard let binary = findSoffice(soffice) else { throw ReportError.libreOfficeMissing }
        let fileManager = FileManager.default
        let work = fileManager.temporaryDirectory.appendingPathComponent("overblik-pdf-\(UUID().uuidString)")
        try? fileManager.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: work) }
        let source = work.appendingPathComponent(target.deletingPathExtension().lastPathComponent + ".odt")
        if let existingODT, fileManager.fileExists(atPath: existingODT.path) {
            try? fileManager.copyItem(at: existingODT, to: source)
        } else {
            try ODTRenderer.write(document, to: source, geometry: geometry, directory: directory)
        }
        let output = work.appendingPathComponent("out")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        // A private profile: a running LibreOffice (or another conversion) cannot block this one.
        process.arguments = [
            "-env:UserInstallation=file://" + work.appendingPathComponent("profile").path, "--headless", "--norestore",
            "--convert-to", "pdf:writer_pdf_Export", "--outdir", output.path, source.path,
        ]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do { try process.run() } catch {
            throw ReportError.pdfConversionFailed(file: target.path, reason: error.localizedDescription)
        }
        // A hung LibreOffice (a stuck profile, a dialog) must not hang the report: stop it after five minutes.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 300, execute: watchdog)
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        let produced = output.appendingPathComponent(source.deletingPathExtension().lastPathComponent + ".pdf")
        guard process.terminationStatus == 0, fileManager.fileExists(atPath: produced.path) else {
            throw ReportError.pdfConversionFailed(
                file: target.path,
                reason: "soffice exited with \(process.terminationStatus): \(errorText.prefix(500))")
        }
        do {
            let staged = DurableFile.temporaryURL(beside: target)
            try fileManager.copyItem(at: produced, to: staged)
            do { try DurableFile.commit(staged, to: target) } catch {
                throw ReportError.writeFailed(file: target.path, reason: error.reason)
            }
        } catch let error as ReportError {
            throw error
        } catch {
            throw ReportError.writeFailed(file: target.path, reason: error.localizedDescription)
        }
    }
}
