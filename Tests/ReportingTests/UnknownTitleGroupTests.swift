import Foundation
import OverblikModel
import Testing

@testable import Reporting

/// The unknown-titles table groups titles by publisher and stem, so its top names products, not builds.
@Suite struct UnknownTitleGroupTests {
    @Test(arguments: [
        ("7-Zip 23.01 (x64)", "7-Zip"), ("7-Zip 24.09", "7-Zip"),
        ("Mozilla Thunderbird (x64 fr)", "Mozilla Thunderbird"),
        ("ImageJ - 1.54p (Fiji 2.17.0-1)", "ImageJ"), ("Tabby 1.0.227", "Tabby"), ("3D Builder", "3D Builder"),
        (
            "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33130",
            "Microsoft Visual C++ 2015-2022 Redistributable"
        ),
        ("VeraCrypt 1.26.29", "VeraCrypt"), ("Octave 9.1.0", "Octave"), ("Notepad++ v8.6.2 64-bit", "Notepad++"),
        ("2.17", "2.17"),
    ])
    func theStemLeavesOutVersionsArchitecturesAndNotes(title: String, stem: String) {
        #expect(UnknownTitleGroup.stem(of: title) == stem)
    }

    @Test func titlesOfOneProductAcrossAuthoritiesAreOneRow() throws {
        var copenhagen = try FiguresStayTrueTests.submission(
            101, name: "Københavns Kommune", day: "2026-08-01", installations: [])
        copenhagen.body.unknownTitles = [
            .init(title: "7-Zip 23.01 (x64)", publisher: "Igor Pavlov", count: 3),
            .init(title: "7-Zip 24.09 (x64)", publisher: "Igor Pavlov", count: 1),
            .init(title: "Mozilla Thunderbird (x64 fr)", publisher: "Mozilla", count: 1),
        ]
        var frederiksberg = try FiguresStayTrueTests.submission(
            147, name: "Frederiksberg Kommune", day: "2026-08-02", installations: [])
        frederiksberg.body.unknownTitles = [.init(title: "7-Zip 24.09 (x64)", publisher: "Igor Pavlov", count: 2)]
        let report = try ReportBuilder.build(
            try FiguresStayTrueTests.inputs([
                try Submission(body: copenhagen.body), try Submission(body: frederiksberg.body),
            ]))
        let rows = report.dataQuality.unknownTitles
        #expect(rows.count == 2)
        let zip = try #require(rows.first)
        #expect(zip.title == "7-Zip" && zip.publisher == "Igor Pavlov")
        #expect(zip.count == 6 && zip.authorities == 2 && zip.variants == 2)
        // 24.09 is seen 3 times in all, 23.01 3 times in one authority: the tie goes to the first in order.
        #expect(zip.example == "7-Zip 23.01 (x64)")
        #expect(rows[1].title == "Mozilla Thunderbird" && rows[1].count == 1 && rows[1].variants == 1)
    }
}
