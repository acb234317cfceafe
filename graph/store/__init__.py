"""Graph stores behind one interface: LadybugDB embedded (default) and Neo4j over Bolt."""
