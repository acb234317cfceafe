"""The claims graph: stores (embedded LadybugDB, Neo4j over Bolt) and ring detection."""
