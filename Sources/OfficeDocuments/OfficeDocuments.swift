// OfficeDocuments: see the module's DocC summary once it lands.
