public import Catalog

/// The catalog's classifier is the suite classifier `scan` uses.
extension Classifier: SuiteClassifying {}
