"""Reading, validating and loading bureau claim exports into the workspace.

``ringtrace ingest`` (``ingest.command``) → ``ingest.api.ingest_paths``:

1. ``readers`` open each file (CSV in UTF-8 / UTF-8 with BOM / GB18030, found by ``encoding``;
   XLSX; Parquet) and check it as a whole: decodable, not empty, required columns present
   (``headers``, with the aliases of ``columns`` and a ``--mapping`` file, ``mapping``). A
   whole-file fault stops the run before the workspace is touched.
2. Chunks of about 200,000 rows are cleaned and checked, vectorised (``validate``,
   ``datetimes``); rejected rows go to the quarantine with reason codes (``reasons``) and their
   source line.
3. Claims already held (``claim_index``) are counted as duplicates when identical and rejected
   as ``duplicate_conflict`` when not; new ones are written to staged Parquet.
4. Everything is committed by rename (``staging``) and described in ``analytic``, the module
   every reader of the analytic copy uses.

A claim without ``card_id`` gets its patient's card from the patients reference file (as
known when the claim is loaded), else the patient_id: one person, one card.
"""
