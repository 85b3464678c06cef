/// File-system paths compared as the bytes the system names them by, never as Swift text.
///
/// Swift's `String` compares by canonical equivalence and groups a combining mark with the character before it:
/// `café` spelled with U+00E9 equals `café` spelled `e` + U+0301, and a name that starts with U+0301 joins the `/`
/// before it into one `Character`, so `"/srv/\u{301}x.odt".hasPrefix("/srv/")` is false. A file system sees two
/// different names in both cases (a Samba share used from macOS and from Windows holds both spellings side by
/// side), so whatever routes, groups or keys paths compares their UTF-8 bytes.
extension String {
    /// Whether this path starts with `prefix`, byte for byte.
    public func hasPathPrefix(_ prefix: String) -> Bool { utf8.starts(with: prefix.utf8) }

    /// Whether this path is `other`, byte for byte.
    public func isSamePath(_ other: String) -> Bool { utf8.elementsEqual(other.utf8) }
}
