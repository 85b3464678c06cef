extension Label {
    /// Labels of the conformance section ("which office suites write valid ODF?").
    // swift-format-ignore
    static func conformanceTexts(_ label: Label) -> (String, String)? {
        switch label {
        case .conformance: ("Hvilke kontorpakker skriver gyldig ODF?", "Which office suites write valid ODF?")
        case .conformanceIntro: ("Hvert ODF-dokument er kontrolleret mod OASIS-standarden for den ODF-version, dokumentet selv angiver: pakkens opbygning (mimetype, manifest), at XML-delene er velformede, og at indhold, typografier, metadata og indstillinger følger standardens skema (som ODF Toolkits ODF Validator gør det, med overblik validate). Kun filernes opbygning er læst, ikke deres tekst. Tallene viser, hvilke kontorpakker og versioner der skriver dokumenter, som andre programmer kan stole på.", "Each ODF document was checked against the OASIS standard of the ODF version it declares itself: the package's structure (mimetype, manifest), that its XML parts are well-formed, and that content, styles, metadata and settings follow the standard's schema (as the ODF Toolkit's ODF Validator does it, with overblik validate). Only the files' structure was read, not their text. The figures show which office suites and versions write documents other programs can rely on.")
        case .conformanceExtendedNote: ("Sådan læses resultatet: »Gyldig ODF« følger standarden til punkt og prikke. »Gyldig med udvidelser« er også gyldig ODF: dokumentet følger standarden, når de ekstra oplysninger, kontorpakken har tilføjet under sit eget navn (fx LibreOffices loext:), lægges til side. Det tillader ODF-standarden udtrykkeligt; andre programmer ser blot bort fra udvidelserne, så dokumentet kan åbnes og udveksles, men det, der kun står i udvidelserne (fx nyere formateringer), kan gå tabt i et andet program. »Ikke gyldig« bryder selve standarden, og andre programmer kan vise dokumentet forkert eller afvise det. »Ikke kontrolleret« dækker dokumenter uden eller med ukendt ODF-version (intet skema at kontrollere imod), kontroller, der ikke blev færdige inden for tidsgrænsen, og filer, kontrollen ikke kunne læse; de tælles aldrig som gyldige.", "How to read the result: \"Valid ODF\" follows the standard to the letter. \"Valid with extensions\" (extended conforming) is valid ODF too: the document follows the standard once the extra information the office suite added under its own name (such as LibreOffice's loext:) is set aside. The ODF standard expressly allows this; other programs simply ignore the extensions, so the document opens and can be exchanged, but what is only in the extensions (such as newer formatting) may be lost in another program. \"Not valid\" breaks the standard itself, and other programs may show the document wrongly or refuse it. \"Not checked\" covers documents with no or an unknown ODF version (no schema to check against), checks that did not finish within the time limit, and files the check could not read; they never count as valid.")
        case .conformanceNotMeasured: ("Ikke målt: ingen indberetning i denne rapport har kontrolleret ODF-dokumenterne (det kræver en scanning med overblik scan --validate). Det betyder ikke, at dokumenterne er ugyldige.", "Not measured: no submission in this report checked its ODF documents (that takes a scan with overblik scan --validate). It does not mean the documents are invalid.")
        case .conformanceMeasuredIn: ("Kontrolleret i indberetningerne fra", "Checked in the submissions of")
        case .conformanceOf: ("af", "of")
        case .conformanceDocumentsChecked: ("ODF-dokumenter er kontrolleret", "ODF documents checked")
        case .conformanceNotMeasuredList: ("Indberettet uden kontrol (ikke målt, ikke 0 %)", "Submitted without the check (not measured, not 0%)")
        case .conformanceChart: ("Kontrollerede ODF-dokumenter efter resultat", "ODF documents checked, by result")
        case .conformanceBySuite: ("Efter kontorpakke og versionslinje", "By office suite and version line")
        case .conformanceByVersion: ("Efter ODF-version", "By ODF version")
        case .conformanceByAuthority: ("Kontrol af ODF-dokumenter pr. myndighed", "ODF documents checked, by authority")
        case .checkedDocuments: ("Kontrollerede", "Checked")
        case .verdictConforming: ("Gyldig ODF", "Valid ODF")
        case .verdictExtendedConforming: ("Gyldig med udvidelser", "Valid with extensions")
        case .verdictNotConforming: ("Ikke gyldig", "Not valid")
        case .verdictNotChecked: ("Ikke kontrolleret", "Not checked")
        case .odfVersion: ("ODF-version", "ODF version")
        case .odfVersionsWritten: ("ODF-versioner (dokumenter)", "ODF versions (documents)")
        case .noODFVersion: ("ingen", "none")
        case .unknownProducer: ("Ukendt producent", "Unknown producer")
        default: nil
        }
    }
}
