import OfficeDocuments

/// The classifier `scan` uses for suite ids.
enum SuiteClassification {
    static func make() throws -> (any SuiteClassifying)? {
        nil  // replaced by the catalog's Classifier once the catalog branch is merged
    }
}
