import OverblikModel

extension Label {
    /// Labels of the readiness section ("documents that need attention in a move to ODF") and of the business
    /// case's rework estimate.
    // swift-format-ignore
    static func readinessTexts(_ label: Label) -> (String, String)? {
        switch label {
        case .readiness: ("Dokumenter der kræver opmærksomhed ved overgang til ODF", "Documents that need attention in a move to ODF")
        case .readinessIntro: ("Hvad i dokumentbestanden der skal håndteres ved en overgang til ODF: makroer, kryptering, signaturer, indlejret og sammenkædet indhold og skabeloner. Fundet ud fra filernes opbygning alene (navne på dele og lagre, indholdstyper, flag); hverken dokumenternes tekst eller makroernes kode er læst. Et dokument med flere egenskaber tælles under hver af dem.", "What in the document estate has to be dealt with in a move to ODF: macros, encryption, signatures, embedded and linked content, and templates. Found from the files' structure alone (part and storage names, content types, flags); neither the documents' text nor the macros' code was read. A document with several features counts under each.")
        case .readinessNotMeasured: ("Ikke målt: ingen indberetning i denne rapport har målt dokumenternes egenskaber (det kræver en ny scanning med en version af Overblik, der måler dem). Det betyder ikke, at der ingen makroer er.", "Not measured: no submission in this report measured the documents' features (that takes a new scan with a version of Overblik that measures them). It does not mean there are no macros.")
        case .readinessMeasuredIn: ("Målt i indberetningerne fra", "Measured in the submissions of")
        case .readinessNotMeasuredList: ("Indberettet uden målingen (ikke målt, ikke nul)", "Submitted without the measurement (not measured, not zero)")
        case .readinessFeatures: ("Egenskaber, der berører en overgang", "Features that affect a move")
        case .feature: ("Egenskab", "Feature")
        case .featureMeaning: ("Hvad det betyder ved overgang til ODF", "What it means in a move to ODF")
        case .shareOfMeasured: ("Andel af målte dokumenter", "Share of documents measured")
        case .readinessMacros: ("Dokumenter og skabeloner med makroer efter format og alder", "Documents and templates with macros by format and age")
        case .macroKind: ("Makrotype", "Kind of macro")
        case .format: ("Format", "Format")
        case .template: ("Skabelon", "Template")
        case .ageUpToTwo: ("0–2 år", "0–2 years")
        case .ageThreeToFive: ("3–5 år", "3–5 years")
        case .ageSixToTen: ("6–10 år", "6–10 years")
        case .ageOverTen: ("over 10 år", "over 10 years")
        case .ageUnknown: ("alder ukendt", "age unknown")
        case .readinessAgeNote: ("Alder: år fra dokumentets seneste ændring (dets egne metadata, ellers filens tid) til periodens år. Gamle dokumenter med makroer bruges ofte ikke længere og kan måske arkiveres frem for at blive ombygget; en skabelon med makroer giver dem videre til hvert nyt dokument.", "Age: years from the document's last modification (its own metadata, else the file's time) to the period's year. Old documents with macros are often no longer used and may be archived rather than rebuilt; a template with macros passes them on to every new document.")
        case .readinessByAuthority: ("Pr. myndighed", "By authority")
        case .measuredDocuments: ("Målte dokumenter", "Documents measured")
        case .otherMacros: ("Basic, scripts og Excel 4-makroer", "Basic, scripts and Excel 4 macros")
        case .macroTemplatesAndWorkbooks: ("Skabeloner og projektmapper med makroer", "Templates and workbooks with macros")
        case .macroRework: ("Skøn: ombygning af skabeloner og projektmapper med makroer", "Estimate: rebuilding templates and workbooks with macros")
        case .macroReworkNotice: ("SKØN UD FRA ANTAGELSER, IKKE ET MÅLT TAL: antallet af fundne skabeloner og projektmapper med makroer gange timer pr. stk. gange timepris, begge fra forudsætningerne ovenfor (ret dem med --assumptions). En fil med to slags makroer tælles to gange, og en makro, der ikke længere bruges, skal måske slet ikke ombygges.", "AN ESTIMATE FROM ASSUMPTIONS, NOT A MEASURED FIGURE: the templates and workbooks with macros found, times hours each, times the hourly rate, both from the assumptions above (edit them with --assumptions). A file with two kinds of macros counts twice, and a macro no longer used may need no rebuilding at all.")
        case .macroReworkNotMeasured: ("Ikke målt: ingen indberetning har målt dokumenternes egenskaber, så der er intet skøn over ombygning af makroer.", "Not measured: no submission measured the documents' features, so there is no estimate of rebuilding macros.")
        case .estimatedHours: ("Timer (skøn)", "Hours (estimate)")
        case .estimatedCost: ("Omkostning (skøn)", "Cost (estimate)")
        case .hoursPerMacroTemplate: ("Timer pr. skabelon eller projektmappe med makroer", "Hours per template or workbook with macros")
        case .hourlyRate: ("Timepris", "Hourly rate")
        default: nil
        }
    }
}

extension DocumentFeature {
    /// The feature's name and a plain-language note of what it means in a move to ODF, in the report's language.
    // swift-format-ignore
    func readinessText(_ language: ReportLanguage) -> (name: String, note: String) {
        let (da, en): ((String, String), (String, String))
        switch self {
        case .vba: (da, en) = (("VBA-makroer", "Makroer i Microsoft Office. LibreOffice kan køre en del VBA, men makroer, der styrer andre programmer, databaser eller Office-specifikke funktioner, skal afprøves og ofte skrives om eller erstattes."), ("VBA macros", "Macros in Microsoft Office. LibreOffice runs some VBA, but macros that drive other programs, databases or Office-specific functions must be tested and often rewritten or replaced."))
        case .basic: (da, en) = (("Basic-makroer (LibreOffice/OpenOffice)", "Makroer, der allerede kører i en åben kontorpakke; de følger med, men skal afprøves i den version, der tages i brug."), ("Basic macros (LibreOffice/OpenOffice)", "Macros that already run in an open office suite; they move along but must be tested on the version adopted."))
        case .scripts: (da, en) = (("Scripts (Python, JavaScript, BeanShell)", "Scripts gemt i ODF-dokumenter; de kører kun, hvis scriptsproget er installeret og tilladt."), ("Scripts (Python, JavaScript, BeanShell)", "Scripts stored in ODF documents; they only run where the script language is installed and allowed."))
        case .xlmMacros: (da, en) = (("Excel 4-makroark (XLM)", "En gammel makroteknik, som LibreOffice kun delvis understøtter, og som ofte misbruges af skadelig kode; bør gennemgås og helst erstattes."), ("Excel 4 macro sheets (XLM)", "An old macro technique LibreOffice supports only in part, often abused by malicious code; should be reviewed and preferably replaced."))
        case .activeX: (da, en) = (("ActiveX-kontroller", "Knapper og felter, der kun virker i Microsoft Office på Windows; de skal erstattes af formularfelter eller makroer."), ("ActiveX controls", "Buttons and fields that work only in Microsoft Office on Windows; they must be replaced by form fields or macros."))
        case .oleObjects: (da, en) = (("Indlejrede objekter", "Regneark, diagrammer eller filer lagt ind i dokumentet; de vises som regel, men redigering kræver programmet, der lavede dem."), ("Embedded objects", "Spreadsheets, charts or files placed inside the document; they usually display, but editing needs the program that made them."))
        case .externalLinks: (da, en) = (("Eksterne kæder til andre projektmapper", "Formler, der henter tal fra andre filer; stierne skal passe efter en flytning eller konvertering."), ("External links to other workbooks", "Formulas that fetch figures from other files; the paths must still be right after a move or conversion."))
        case .dataConnections: (da, en) = (("Dataforbindelser", "Forespørgsler mod databaser eller websteder; forbindelsen skal sættes op igen i den nye kontorpakke."), ("Data connections", "Queries against databases or web sources; the connection must be set up again in the new suite."))
        case .customUI: (da, en) = (("Tilpasset bånd eller værktøjslinje", "Egne knapper i Office-båndet; de følger ikke med og skal genskabes som værktøjslinjer eller udvidelser."), ("Custom ribbon or toolbar", "Own buttons in the Office ribbon; they do not carry over and must be rebuilt as toolbars or extensions."))
        case .signed: (da, en) = (("Digitalt signerede", "En ændring eller konvertering bryder signaturen; et signeret dokument bør arkiveres som det er og kun signeres igen, når det ændres."), ("Digitally signed", "A change or conversion breaks the signature; a signed document should be archived as it is and signed again only when it changes."))
        case .encrypted: (da, en) = (("Krypterede (adgangskode)", "Kan kun åbnes og konverteres med adgangskoden; uden den er indholdet tabt ved en overgang."), ("Encrypted (password)", "Can only be opened and converted with the password; without it the content is lost in a move."))
        case .template: (da, en) = (("Skabeloner", "Hvert nyt dokument laves ud fra en skabelon; skabeloner bør konverteres til ODF først, så nye dokumenter fødes i ODF."), ("Templates", "Every new document is made from a template; templates should be converted to ODF first, so new documents are born in ODF."))
        }
        return language == .danish ? (da.0, da.1) : (en.0, en.1)
    }
}
