// The graph schema for LadybugDB: node tables, claim relationships, aggregated browsing edges, rings.
// Times (a claim's settled_at, an edge's first and last) are TIMESTAMP here and ISO-8601 strings
// ('2024-03-01T09:30:00') in Neo4j and ArcadeDB. Copying millions of distinct time strings cost a
// relationship COPY three times its other work (3.9M VISITED pairs: 24 s as STRING, 6.7 s as
// TIMESTAMP), so LadybugDB keeps them as numbers and the store converts at its edge: ISO text in
// (tables, window parameters), ISO text out (every answer). Filters and min/max compare alike.
// What a merging load (a day's claims) adds to a graph that holds claims goes to tables of its own:
// each claim's links to BY_ADDED, WITH_CARD_ADDED, AT_ADDED and PRESCRIBED_BY_ADDED, and each pair's
// totals to KIND_ADDED (one row per pair and load). LadybugDB rewrites every part of a relationship
// table that an insert or update touches, and a day's claims touch them all: a 16,027-claim day into
// the 5M-claim graph spent 21 s updating edges in place and 4 s committing its links. Reads walk both
// tables (the *.ladybug.cypher reads) and sum a pair's rows; compaction folds the added rows into
// the stored tables once they pass a share of the claims (LadybugStore.compact).
CREATE NODE TABLE IF NOT EXISTS Patient(id STRING PRIMARY KEY, name STRING, birth_year INT64, sex STRING, region STRING, phone STRING, address STRING);
CREATE NODE TABLE IF NOT EXISTS Card(id STRING PRIMARY KEY);
CREATE NODE TABLE IF NOT EXISTS Doctor(id STRING PRIMARY KEY, name STRING, institution_id STRING);
CREATE NODE TABLE IF NOT EXISTS Institution(id STRING PRIMARY KEY, name STRING, kind STRING, level STRING, region STRING, lat DOUBLE, lon DOUBLE);
CREATE NODE TABLE IF NOT EXISTS Claim(id STRING PRIMARY KEY, patient_id STRING, card_id STRING, institution_id STRING, doctor_id STRING, visit_type STRING, settled_at TIMESTAMP, admitted_on STRING, discharged_on STRING, total_amount DOUBLE, fund_amount DOUBLE, diagnosis STRING, operator_id STRING);
CREATE NODE TABLE IF NOT EXISTS Ring(id STRING PRIMARY KEY, score DOUBLE, pattern STRING, fund_amount DOUBLE, first_seen STRING, last_seen STRING);
CREATE NODE TABLE IF NOT EXISTS Batch(id STRING PRIMARY KEY);
CREATE REL TABLE IF NOT EXISTS BY(FROM Claim TO Patient);
CREATE REL TABLE IF NOT EXISTS WITH_CARD(FROM Claim TO Card);
CREATE REL TABLE IF NOT EXISTS AT(FROM Claim TO Institution);
CREATE REL TABLE IF NOT EXISTS PRESCRIBED_BY(FROM Claim TO Doctor);
CREATE REL TABLE IF NOT EXISTS HOLDS(FROM Patient TO Card, claims INT64, fund_amount DOUBLE, total_amount DOUBLE, first TIMESTAMP, last TIMESTAMP);
CREATE REL TABLE IF NOT EXISTS TREATED(FROM Patient TO Doctor, claims INT64, fund_amount DOUBLE, total_amount DOUBLE, first TIMESTAMP, last TIMESTAMP);
CREATE REL TABLE IF NOT EXISTS VISITED(FROM Patient TO Institution, claims INT64, fund_amount DOUBLE, total_amount DOUBLE, first TIMESTAMP, last TIMESTAMP);
CREATE REL TABLE IF NOT EXISTS USED_AT(FROM Card TO Institution, claims INT64, fund_amount DOUBLE, total_amount DOUBLE, first TIMESTAMP, last TIMESTAMP);
CREATE REL TABLE IF NOT EXISTS WORKS_AT(FROM Doctor TO Institution, claims INT64, fund_amount DOUBLE, total_amount DOUBLE, first TIMESTAMP, last TIMESTAMP, registered BOOLEAN);
CREATE REL TABLE IF NOT EXISTS BY_ADDED(FROM Claim TO Patient);
CREATE REL TABLE IF NOT EXISTS WITH_CARD_ADDED(FROM Claim TO Card);
CREATE REL TABLE IF NOT EXISTS AT_ADDED(FROM Claim TO Institution);
CREATE REL TABLE IF NOT EXISTS PRESCRIBED_BY_ADDED(FROM Claim TO Doctor);
CREATE REL TABLE IF NOT EXISTS HOLDS_ADDED(FROM Patient TO Card, claims INT64, fund_amount DOUBLE, total_amount DOUBLE, first TIMESTAMP, last TIMESTAMP);
CREATE REL TABLE IF NOT EXISTS TREATED_ADDED(FROM Patient TO Doctor, claims INT64, fund_amount DOUBLE, total_amount DOUBLE, first TIMESTAMP, last TIMESTAMP);
CREATE REL TABLE IF NOT EXISTS VISITED_ADDED(FROM Patient TO Institution, claims INT64, fund_amount DOUBLE, total_amount DOUBLE, first TIMESTAMP, last TIMESTAMP);
CREATE REL TABLE IF NOT EXISTS USED_AT_ADDED(FROM Card TO Institution, claims INT64, fund_amount DOUBLE, total_amount DOUBLE, first TIMESTAMP, last TIMESTAMP);
CREATE REL TABLE IF NOT EXISTS WORKS_AT_ADDED(FROM Doctor TO Institution, claims INT64, fund_amount DOUBLE, total_amount DOUBLE, first TIMESTAMP, last TIMESTAMP, registered BOOLEAN);
CREATE REL TABLE IF NOT EXISTS INVOLVES(FROM Ring TO Patient, FROM Ring TO Card, FROM Ring TO Doctor, FROM Ring TO Institution, role STRING);
CREATE REL TABLE IF NOT EXISTS INCLUDES(FROM Ring TO Claim);
