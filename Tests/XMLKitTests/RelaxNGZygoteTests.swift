import Foundation
import Testing
import TestSupport

@testable import XMLKit

/// The RELAX NG workers forked from the zygote, on a pool of this test's own: a worker that needs a schema it
/// lacks is replaced by a fresh fork, a worker killed at its CPU-time limit costs only its own document, and no
/// process is left behind (the zygote's children are read from /proc while it runs: never a zombie).
@Suite struct RelaxNGZygoteTests {
    static let schemaA = """
        <element name="a" xmlns="http://relaxng.org/ns/structure/1.0"><zeroOrMore><element name="b"><text/>\
        </element></zeroOrMore></element>
        """
    static let schemaC = """
        <element name="c" xmlns="http://relaxng.org/ns/structure/1.0"><empty/></element>
        """

    /// Children of `pid` (its main thread's) and their states, from /proc.
    static func children(of pid: Int32) throws -> [(pid: Int32, state: String)] {
        let list = try String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)
        return list.split(separator: " ").compactMap { Int32($0) }.map { child in
            let stat = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8)) ?? ""
            let state = stat.split(separator: ")").last?.split(separator: " ").first.map(String.init) ?? "?"
            return (child, state)
        }
    }

    @Test func workersAreForkedReplacedKilledAndReaped() throws {
        let directory = try Fixtures.temporaryDirectory("zygote")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = RelaxNGWorkerPool(zygote: RelaxNGZygote(enabled: true))
        func schema(_ name: String, _ text: String) throws -> RelaxNGSchema {
            let url = directory.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return RelaxNGSchema(path: url.path, name: name, pool: pool)
        }
        let a = try schema("a.rng", Self.schemaA)
        let c = try schema("c.rng", Self.schemaC)
        #expect(a.validate(bytes: Array("<a><b>x</b></a>".utf8), cpuLimit: .seconds(30)).verdict == .valid)
        let zygote = try #require(pool.zygoteID)
        let first = pool.idleWorkerIDs
        #expect(first.count == 1)
        // Schema c is new: a fresh fork (that has a and c) replaces the idle worker, which is reaped.
        guard case .invalid = c.validate(bytes: Array("<c>text</c>".utf8), cpuLimit: .seconds(30)).verdict else {
            Issue.record("<c>text</c> must be invalid")
            return
        }
        let second = pool.idleWorkerIDs
        #expect(second.count == 1 && second != first)
        #expect(first.allSatisfy { kill($0, 0) == -1 && errno == ESRCH })
        #expect(a.validate(bytes: Array("<a/>".utf8), cpuLimit: .seconds(30)).verdict == .valid)
        #expect(pool.idleWorkerIDs == second, "the worker that has both schemas serves both")
        // A document past its CPU-time limit: its worker is killed and reaped, the next document is checked.
        let big = "<a>" + String(repeating: "<b>x</b>", count: 400_000) + "</a>"
        #expect(a.validate(bytes: Array(big.utf8), cpuLimit: .milliseconds(1)).verdict == .limitExceeded)
        #expect(pool.killedWorkerIDs == second)
        #expect(second.allSatisfy { kill($0, 0) == -1 && errno == ESRCH })
        #expect(a.validate(bytes: Array("<a><c/></a>".utf8), cpuLimit: .seconds(30)).verdict != .valid)
        #expect(a.validate(bytes: Array("<a><b/></a>".utf8), cpuLimit: .seconds(30)).verdict == .valid)
        let children = try Self.children(of: zygote)
        #expect(children.map(\.pid) == pool.idleWorkerIDs, "the zygote's children are exactly the idle workers")
        #expect(children.allSatisfy { $0.state != "Z" }, "\(children)")
        // Stopping the idle workers stops the zygote too (none of its workers is left): nothing remains.
        let stopped = pool.stopIdleWorkers()
        #expect(Set(stopped) == Set(children.map(\.pid) + [zygote]))
        #expect(stopped.allSatisfy { kill($0, 0) == -1 && errno == ESRCH })
        #expect(pool.zygoteID == nil)
    }

    /// A part that is not well-formed is refused by the worker as XMLTree refuses it, with the same error.
    @Test(arguments: [
        "<a><b>x</a>", "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>", "", "<a>\u{1}</a>",
        "<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<a/>",
    ])
    func malformedBytesAreRefusedAsXMLTreeRefusesThem(_ text: String) throws {
        let directory = try Fixtures.temporaryDirectory("zygote-malformed")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("a.rng")
        try Self.schemaA.write(to: url, atomically: true, encoding: .utf8)
        let schema = RelaxNGSchema(path: url.path, name: "a.rng")
        let bytes = Array(text.utf8)
        var expected: XMLError?
        do {
            _ = try XMLTree(bytes: bytes)
        } catch {
            expected = error
        }
        let refusal = try #require(expected, "the oracle, XMLTree, refuses it")
        #expect(schema.validate(bytes: bytes, cpuLimit: .seconds(30)).verdict == .malformed(refusal))
    }
}
