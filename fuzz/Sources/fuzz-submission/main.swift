// The submission reader: schema check, digest, authority and decoding of a submission file's bytes.
import FuzzSupport
import Foundation
import Submissions

let verifier = try! SubmissionVerifier()
FuzzHarness.run { bytes in
    _ = try? verifier.verify(data: Data(bytes), name: "fuzz.json")
}
