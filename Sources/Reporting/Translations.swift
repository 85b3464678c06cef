import Foundation

/// Report language: Danish by default, English with `--lang en`. Authority names stay official Danish.
public enum ReportLanguage: String, Sendable, CaseIterable, Codable {
    case danish = "da"
    case english = "en"
}

/// Every label a report prints, in one table. The switch is exhaustive, so a label without
/// both languages does not compile.
enum Label: String, CaseIterable {
    case reportTitleNational, reportTitleRegion, reportTitleOrganisation, period, comparedTo, generatedBy
    case syntheticBanner, lowerBoundBanner
    case headline, coverage, municipalities, regions, missing, noneMissing, reportedOf
    case os2Any, os2AnyNote, openSuite, openSuiteNote, hosts, odfShare, odfShareNote, spread, notMeasured
    case evidenceRestsOn, freshness, documentsScanned, evidence
    case evidenceInventory, evidenceDeclaration, evidenceKitos, evidencePublic, evidenceScan
    case documentFamilies, familyODF, familyStarOffice, familyOOXML, familyLegacy, familyOther, total
    case map, mapMeasureOS2, mapMeasureODF, mapMeasureOpenSuite, mapNoData, mapAttribution, legend
    case officeSuites, officeSuitesIntro, suite, openSource, yes, no, installations, unsupported, documents
    case versionLines, versionLine, endOfLife, supported, unknownSupport, installationsBySuite, unknownLine
    case os2Products, os2ProductsIntro, product, governanceLevel, authoritiesUsing, byRegion, os2Chart
    case documentManagement, documentManagementIntro, system, vendor, authorities, noneFound
    case regionsAndAuthorities, regionTable, region, reported, os2AnyShort, openSuiteShort, profiles
    case code, name, dataDate, comment, os2Count, notReported, profile, measure, thisAuthority, nation
    case trends, trendsIntro, before, now, change, started, stopped, noChanges, methodChanged, trendChart
    case businessCase, businessCaseIntro, assumptions, assumption, value
    case licencePrice, migrationCost, trainingCost, os2Membership, experienceGroupFee, assumptionSource
    case proprietarySeats, openSeats, licenceCostPerYear, communityCostPerYear, oneTimeCost, yearlySaving
    case paybackYears, nationalTotal, scopeTotal
    case dataQuality, staleSubmissions, unknownTitles, readErrors, reason, count, publisher, title, unknownProducts
    case titleStem, variants, example
    case method, methodText, tool, catalogVersion, catalogDigest, submissions, organisation, created, digest
    case evidenceFiles, ruleUse, ruleODFShare, ruleEOL, noData, index, reports, scope, national
    case shareOfMunicipalities, contents
    case readiness, readinessIntro, readinessNotMeasured, readinessMeasuredIn, readinessNotMeasuredList
    case readinessFeatures, feature, featureMeaning, shareOfMeasured, readinessMacros, macroKind, format, template
    case ageUpToTwo, ageThreeToFive, ageSixToTen, ageOverTen, ageUnknown, readinessAgeNote, readinessByAuthority
    case measuredDocuments, otherMacros, macroTemplatesAndWorkbooks, macroRework, macroReworkNotice
    case macroReworkNotMeasured, estimatedHours, estimatedCost, hoursPerMacroTemplate, hourlyRate
    case conformance, conformanceIntro, conformanceExtendedNote, conformanceNotMeasured, conformanceMeasuredIn
    case conformanceOf, conformanceDocumentsChecked, conformanceNotMeasuredList, conformanceChart, conformanceBySuite
    case conformanceByVersion, conformanceByAuthority, checkedDocuments, verdictConforming, verdictExtendedConforming,
        verdictNotConforming
    case verdictNotChecked, odfVersion, odfVersionsWritten, noODFVersion, unknownProducer

    func text(_ language: ReportLanguage) -> String {
        let (da, en) = pair
        return language == .danish ? da : en
    }

    /// The Danish and English text, from the table of the report part the label belongs to.
    private var pair: (String, String) {
        guard let pair = Self.texts.lazy.compactMap({ $0(self) }).first else {
            preconditionFailure("Label.\(self) has no text")  // RenderingTests checks every label has one.
        }
        return pair
    }

    /// The tables, one per part of the report; every label is in exactly one (RenderingTests checks).
    static let texts: [@Sendable (Label) -> (String, String)?] = [
        titleAndHeadline, products, authoritiesTrendsAndCosts, qualityAndMethod, readinessTexts, conformanceTexts,
    ]

    /// Labels of the title, the headline figures and the map.
    // swift-format-ignore
    private static func titleAndHeadline(_ label: Label) -> (String, String)? {
        switch label {
        case .reportTitleNational: ("Overblik: dokumenter, kontorpakker og OS2 i den offentlige sektor", "Overblik: documents, office suites and OS2 in Danish public authorities")
        case .reportTitleRegion: ("Overblik for", "Overblik for")
        case .reportTitleOrganisation: ("Overblik for", "Overblik for")
        case .period: ("Periode", "Period")
        case .comparedTo: ("sammenlignet med", "compared with")
        case .generatedBy: ("Dannet af", "Generated by")
        case .syntheticBanner: ("SYNTETISKE DATA: Denne rapport bygger på et genereret demo-datasæt. Tallene beskriver ikke virkeligheden.", "SYNTHETIC DATA: This report is built on a generated demo estate. Its figures do not describe reality.")
        case .lowerBoundBanner: ("NEDRE GRÆNSE: Denne rapport bygger kun på offentligt tilgængelige kilder. Den reelle udbredelse er mindst så stor.", "LOWER BOUND: This report rests only on public sources. Real adoption is at least this large.")
        case .headline: ("Hovedtal", "Headline")
        case .coverage: ("Indberetninger", "Coverage")
        case .municipalities: ("Kommuner", "Municipalities")
        case .regions: ("Regioner", "Regions")
        case .missing: ("Mangler", "Missing")
        case .noneMissing: ("ingen", "none")
        case .reportedOf: ("har indberettet", "reported")
        case .os2Any: ("Bruger mindst ét OS2-produkt", "Use at least one OS2 product")
        case .os2AnyNote: ("En myndighed bruger et produkt, når en softwareopgørelse viser en installation, eller dens nyeste erklæring for produktet er »bruger«, »pilot« eller »aftale«.", "An authority uses a product when an inventory shows an installation of it, or its newest declaration for it says uses, pilot or agreement.")
        case .openSuite: ("Har en åben ODF-kontorpakke installeret", "Have an open ODF office suite installed")
        case .openSuiteNote: ("Åben ODF-kontorpakke: en kontorpakke i kataloget med open source-licens, som gemmer i ODF som standard.", "Open ODF office suite: a catalog office suite with an open-source licence that writes ODF by default.")
        case .hosts: ("maskiner", "hosts")
        case .odfShare: ("ODF-andel af kontordokumenter", "ODF share of office documents")
        case .odfShareNote: ("ODF-dokumenter i forhold til alle kontordokumenter (ODF, StarOffice XML, OOXML og gamle binære formater).", "ODF documents out of all office documents (ODF, StarOffice XML, OOXML and legacy binary formats).")
        case .spread: ("Spredning mellem myndigheder", "Spread across authorities")
        case .notMeasured: ("ikke målt", "not measured")
        case .evidenceRestsOn: ("Bygger på", "Rests on")
        case .freshness: ("Data fra", "Data from")
        case .documentsScanned: ("dokumenter scannet", "documents scanned")
        case .evidence: ("Kilde", "Evidence")
        case .evidenceInventory: ("softwareopgørelse", "inventory")
        case .evidenceDeclaration: ("brugserklæring", "usage declaration")
        case .evidenceKitos: ("KITOS", "KITOS")
        case .evidencePublic: ("offentlige kilder", "public evidence")
        case .evidenceScan: ("dokumentscanning", "document scan")
        case .documentFamilies: ("Kontordokumenter efter format", "Office documents by format")
        case .familyODF: ("ODF", "ODF")
        case .familyStarOffice: ("StarOffice XML", "StarOffice XML")
        case .familyOOXML: ("OOXML", "OOXML")
        case .familyLegacy: ("Gamle binære", "Legacy binary")
        case .familyOther: ("Andre", "Other")
        case .total: ("I alt", "Total")
        case .map: ("Kort", "Map")
        case .mapMeasureOS2: ("Antal OS2-produkter i brug pr. kommune", "OS2 products in use per municipality")
        case .mapMeasureODF: ("ODF-andel af kontordokumenter pr. kommune", "ODF share of office documents per municipality")
        case .mapMeasureOpenSuite: ("Andel af kontorpakke-installationer, der er åbne", "Open share of office-suite installations")
        case .mapNoData: ("Ingen data", "No data")
        case .mapAttribution: ("Kortgrundlag: Styrelsen for Dataforsyning og Infrastruktur, DAGI 1:500 000.", "Map: Styrelsen for Dataforsyning og Infrastruktur, DAGI 1:500 000.")
        case .legend: ("Signatur", "Legend")
        default: nil
        }
    }

    /// Labels of office suites, OS2 products and document management.
    // swift-format-ignore
    private static func products(_ label: Label) -> (String, String)? {
        switch label {
        case .officeSuites: ("Kontorpakker", "Office suites")
        case .officeSuitesIntro: ("Installationer efter kontorpakke og versionslinje; versioner efter deres support-ophør er markeret.", "Installations by office suite and version line; versions past their end of life are flagged.")
        case .suite: ("Kontorpakke", "Office suite")
        case .openSource: ("Open source", "Open source")
        case .yes: ("ja", "yes")
        case .no: ("nej", "no")
        case .installations: ("Installationer", "Installations")
        case .unsupported: ("Uden support", "Past end of life")
        case .documents: ("Dokumenter", "Documents")
        case .versionLines: ("Versionslinjer", "Version lines")
        case .versionLine: ("Version", "Version line")
        case .endOfLife: ("Support ophørt", "End of life")
        case .supported: ("Understøttet", "Supported")
        case .unknownSupport: ("ukendt", "unknown")
        case .installationsBySuite: ("Installationer pr. kontorpakke", "Installations per office suite")
        case .unknownLine: ("(uoplyst)", "(not given)")
        case .os2Products: ("OS2-produkter", "OS2 products")
        case .os2ProductsIntro: ("Myndigheder, der bruger hvert OS2-produkt (softwareopgørelser, KITOS og brugserklæringer), med produktets styringsniveau.", "Authorities using each OS2 product (inventories, KITOS and usage declarations), with the product's governance level.")
        case .product: ("Produkt", "Product")
        case .governanceLevel: ("Styringsniveau", "Governance level")
        case .authoritiesUsing: ("Myndigheder", "Authorities")
        case .byRegion: ("Efter region", "By region")
        case .os2Chart: ("Myndigheder pr. OS2-produkt", "Authorities per OS2 product")
        case .documentManagement: ("ESDH-systemer", "Document-management systems (ESDH)")
        case .documentManagementIntro: ("Hvilke myndigheder kører hvilket ESDH-system: de leverandører, ODF-understøttelsen skal koordineres med.", "Which authorities run which ESDH system: the vendors to coordinate ODF support with.")
        case .system: ("System", "System")
        case .vendor: ("Leverandør", "Vendor")
        case .authorities: ("Myndigheder", "Authorities")
        case .noneFound: ("Ingen fundet.", "None found.")
        default: nil
        }
    }

    /// Labels of regions and authority profiles, trends and the business case.
    // swift-format-ignore
    private static func authoritiesTrendsAndCosts(_ label: Label) -> (String, String)? {
        switch label {
        case .regionsAndAuthorities: ("Regioner og myndigheder", "Regions and authorities")
        case .regionTable: ("Efter region", "By region")
        case .region: ("Region", "Region")
        case .reported: ("Indberettet", "Reported")
        case .os2AnyShort: ("Bruger OS2", "Use OS2")
        case .openSuiteShort: ("Åben kontorpakke", "Open suite")
        case .profiles: ("Myndighedsprofiler", "Authority profiles")
        case .code: ("Kode", "Code")
        case .name: ("Navn", "Name")
        case .dataDate: ("Data pr.", "Data as of")
        case .comment: ("Myndighedens kommentar", "Authority's comment")
        case .os2Count: ("Antal OS2-produkter", "Number of OS2 products")
        case .notReported: ("ikke indberettet", "not reported")
        case .profile: ("Profil", "Profile")
        case .measure: ("Mål", "Measure")
        case .thisAuthority: ("Myndigheden", "This authority")
        case .nation: ("Hele landet", "Nation")
        case .trends: ("Udvikling", "Trends")
        case .trendsIntro: ("Ændringer mellem perioderne. En metodeændring (et andet katalog eller en anden værktøjsversion) vises som et brud, ikke som en ændring i landet.", "Changes between the periods. A change of method (another catalog or tool version) shows as a break, not as a change in the country.")
        case .before: ("Før", "Before")
        case .now: ("Nu", "Now")
        case .change: ("Ændring", "Change")
        case .started: ("begyndt", "started")
        case .stopped: ("stoppet", "stopped")
        case .noChanges: ("Ingen myndigheder er begyndt eller stoppet med et produkt.", "No authority started or stopped using a product.")
        case .methodChanged: ("BRUD I METODE: perioderne er opgjort med forskellige kataloger (version eller fingeraftryk) eller værktøjsversioner.", "METHOD BREAK: the periods were measured with different catalogs (version or digest) or tool versions.")
        case .trendChart: ("Myndigheder før og nu", "Authorities before and now")
        case .businessCase: ("Business case", "Business case")
        case .businessCaseIntro: ("Pladser på proprietære og åbne kontorpakker og de årlige omkostninger efter forudsætningerne nedenfor (kan redigeres med --assumptions).", "Seats on proprietary and open office suites and the yearly cost picture under the assumptions below (editable with --assumptions).")
        case .assumptions: ("Forudsætninger", "Assumptions")
        case .assumption: ("Forudsætning", "Assumption")
        case .value: ("Værdi", "Value")
        case .licencePrice: ("Licens pr. plads pr. år (proprietær kontorpakke)", "Licence per seat per year (proprietary suite)")
        case .migrationCost: ("Migrering pr. plads (engang)", "Migration per seat (one-time)")
        case .trainingCost: ("Uddannelse pr. plads (engang)", "Training per seat (one-time)")
        case .os2Membership: ("OS2-medlemskab pr. år", "OS2 membership per year")
        case .experienceGroupFee: ("Erfaringsgruppe pr. år", "Experience group per year")
        case .assumptionSource: ("Kilde til forudsætningerne", "Source of the assumptions")
        case .proprietarySeats: ("Proprietære pladser", "Proprietary seats")
        case .openSeats: ("Åbne pladser", "Open seats")
        case .licenceCostPerYear: ("Licenser pr. år", "Licences per year")
        case .communityCostPerYear: ("OS2 + erfaringsgruppe pr. år", "OS2 + experience group per year")
        case .oneTimeCost: ("Migrering + uddannelse (engang)", "Migration + training (one-time)")
        case .yearlySaving: ("Årlig besparelse efter skift", "Yearly saving after switching")
        case .paybackYears: ("Tilbagebetalingstid (år)", "Payback (years)")
        case .nationalTotal: ("Hele landet", "National total")
        case .scopeTotal: ("I alt", "Total")
        default: nil
        }
    }

    /// Labels of data quality, method and the index page.
    // swift-format-ignore
    private static func qualityAndMethod(_ label: Label) -> (String, String)? {
        switch label {
        case .dataQuality: ("Datakvalitet og metode", "Data quality and method")
        case .staleSubmissions: ("Forældede data (mere end et år ældre end de nyeste)", "Stale data (more than a year older than the newest)")
        case .unknownTitles: ("Hyppigste ukendte softwaretitler (til forbedring af kataloget)", "Top unknown software titles (to improve the catalog)")
        case .readErrors: ("Dokumenter, der ikke kunne læses, efter årsag", "Documents that could not be read, by reason")
        case .reason: ("Årsag", "Reason")
        case .count: ("Antal", "Count")
        case .publisher: ("Udgiver", "Publisher")
        case .title: ("Titel", "Title")
        case .titleStem: ("Titel (uden version og arkitektur)", "Title (without version and architecture)")
        case .variants: ("Varianter", "Variants")
        case .example: ("Hyppigste form", "Most frequent form")
        case .unknownProducts: ("Erklærede produkter, kataloget ikke kender", "Declared products the catalog does not know")
        case .method: ("Metode", "Method")
        case .methodText: ("Rapporten er beregnet af Overblik ud fra de indberetninger og kilder, der er listet nedenfor. Samme indberetninger, katalog og værktøjsversion giver de samme tal.", "The report was computed by Overblik from the submissions and sources listed below. The same submissions, catalog and tool version give the same numbers.")
        case .tool: ("Værktøj", "Tool")
        case .catalogVersion: ("Katalogversion", "Catalog version")
        case .catalogDigest: ("Katalogets fingeraftryk", "Catalog digest")
        case .submissions: ("Indberetninger", "Submissions")
        case .organisation: ("Myndighed", "Authority")
        case .created: ("Dannet", "Created")
        case .digest: ("Fingeraftryk (SHA-256)", "Digest (SHA-256)")
        case .evidenceFiles: ("Øvrige kilder", "Other evidence")
        case .ruleUse: ("Brug", "Use")
        case .ruleODFShare: ("ODF-andel", "ODF share")
        case .ruleEOL: ("Support ophørt: versionslinjens ophørsdato i kataloget er passeret på datadatoen.", "End of life: the version line's end-of-life date in the catalog has passed on the data date.")
        case .noData: ("Ingen data.", "No data.")
        case .index: ("Oversigt over rapporter", "Report index")
        case .reports: ("Rapporter", "Reports")
        case .scope: ("Omfang", "Scope")
        case .national: ("Hele landet", "National")
        case .shareOfMunicipalities: ("af kommunerne", "of municipalities")
        case .contents: ("Indhold", "Contents")
        default: nil
        }
    }
}

/// Number and date formatting per language (Danish: `1.234`, `42,1 %`; English: `1,234`, `42.1%`).
struct NumberStyle: Sendable {
    let language: ReportLanguage

    func integer(_ value: Int) -> String {
        let digits = String(abs(value))
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: language == .danish ? "." : ",")
    }

    func decimal(_ value: Double, digits: Int) -> String {
        let rounded = (value * pow(10, Double(digits))).rounded() / pow(10, Double(digits))
        let whole = Int(rounded.rounded(.towardZero))
        var text = integer(whole)
        if whole == 0 && rounded < 0 { text = "-0" }
        if digits > 0 {
            let fraction = Int((abs(rounded - Double(whole)) * pow(10, Double(digits))).rounded())
            text += (language == .danish ? "," : ".") + String(format: "%0\(digits)d", fraction)
        }
        return text
    }

    func percent(_ share: Double?) -> String {
        guard let share else { return Label.notMeasured.text(language) }
        return decimal(share * 100, digits: 1) + (language == .danish ? " %" : "%")
    }

    func money(_ value: Double, currency: String) -> String {
        integer(Int(value.rounded())) + " " + (currency == "DKK" && language == .danish ? "kr." : currency)
    }
}
