import Foundation

/// Where a file stops being JSON, as a line a user can open it at.
///
/// Foundation's `JSONDecoder` says only "The given data was not valid JSON." on Linux, while `JSONSerialization`
/// names the byte offset it stopped at ("Invalid value around character 4711.", "Invalid UTF-8 sequence 5 bytes
/// starting from character 984."). Submissions and inventory imports both turn that offset into a line here.
public enum JSONErrorLine {
    /// What `JSONSerialization` says of `error`: its debug description, else the error's own description.
    public static func message(of error: any Error) -> String {
        ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? (error as NSError).localizedDescription
    }

    /// The 1-based line of the byte offset `message` names in `bytes` (the document `JSONSerialization` read); `nil`
    /// when it names none ("Unexpected end of file during JSON parse.").
    public static func line(in bytes: some Collection<UInt8>, message: String) -> Int? {
        guard let marker = message.range(of: "character ", options: .backwards),
            let offset = Int(message[marker.upperBound...].prefix { $0.isASCII && $0.isNumber })
        else { return nil }
        return 1 + bytes.prefix(offset).count { $0 == UInt8(ascii: "\n") }
    }
}
