/// FusionInventory / GLPI agent XML and OCS Inventory XML.
enum AgentXML {
    static func importXML(stream: TextStream, emitter: RecordEmitter) throws(ImportError) {
        throw .unrecognisedFormat(file: emitter.fileName, detail: "agent XML reading is not built yet")
    }
}
