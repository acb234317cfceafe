"""A synthetic city with planted fraud rings and legitimate dense groups (``ringtrace synth``).

``generate(out_dir, patients=20000, seed=7, fmt="csv")`` writes ``out_dir/input/claims.*``,
``institutions.*``, ``doctors.*``, ``patients.*`` (the input format of CONTRACT.md),
``out_dir/truth.json`` and ``out_dir/districts.csv``. The same seed gives identical files.

The city (one module each):

- ``geo``: the 13 区县 of Hangzhou with real 身份证 region codes and centroids.
- ``city``: public hospitals of levels 1-3, private (民营) hospitals, clinics and community health
  centres, retail pharmacies (some open 24 hours); doctors per institution (none at pharmacies);
  cashier accounts (operators) on day, evening and night shifts.
- ``people``: households sharing address and phone, nursing homes, 18-digit ids with valid
  check digits, one card per person, chronic conditions by age.
- ``normal``: about 20 claims per person-year; visit rates by age, mostly daytime, mostly near
  home (a family clinic and pharmacy), lognormal amounts and fund shares by visit type and
  level, hospital stays with genuine readmissions; ``diagnoses`` keeps ICD-10 codes fitting
  age and sex.
- ``legit``: families at their clinic together, nursing-home rounds, company health checks,
  a specialist's chronic patients (truth ``legit_groups``).
- ``rings``: card collection, doctor-patient collusion, impersonation, drug reselling and split
  hospitalisation, several of each with seed-varied size, timing and camouflage; members keep
  their normal lives (truth ``rings``: pattern, members, claim ids, fund amount, first/last day).
- ``write``: chunked CSV (UTF-8 or GB18030 with Chinese headers) or Parquet.
"""

from ingest.synth.generate import generate

__all__ = ["generate"]
