"""The synthetic city's map: real 区县 of Hangzhou with their 身份证 region codes and centroids.

Real codes matter: ingest and the app may check that a 身份证号 starts with a valid region, and
investigators recognise the names. Centroids are approximate (within a few kilometres), enough for
"far from home" and "impossible travel" to mean what they say.

>>> len(DISTRICTS) >= 10
True
>>> round(float(haversine_km(30.0, 120.0, 30.0, 120.0)), 3)
0.0
>>> 100 < float(haversine_km(30.0, 120.0, 31.0, 120.0)) < 120
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["CITY", "DISTRICTS", "DISTRICT_NAMES", "DISTRICT_CODES", "DISTRICT_LAT", "DISTRICT_LON",
           "DISTRICT_WEIGHT", "OUTSIDE_ID_PREFIXES", "STREETS", "haversine_km"]

CITY = "杭州市"

# name, 6-digit region code, lat, lon, share of the insured population
DISTRICTS: tuple[tuple[str, str, float, float, float], ...] = (
    ("上城区", "330102", 30.242, 120.190, 0.11),
    ("拱墅区", "330105", 30.320, 120.142, 0.11),
    ("西湖区", "330106", 30.259, 120.130, 0.10),
    ("滨江区", "330108", 30.208, 120.212, 0.06),
    ("萧山区", "330109", 30.162, 120.270, 0.14),
    ("余杭区", "330110", 30.373, 120.020, 0.10),
    ("富阳区", "330111", 30.049, 119.960, 0.07),
    ("临安区", "330112", 30.233, 119.725, 0.06),
    ("临平区", "330113", 30.422, 120.300, 0.07),
    ("钱塘区", "330114", 30.300, 120.500, 0.06),
    ("桐庐县", "330122", 29.797, 119.691, 0.04),
    ("淳安县", "330127", 29.609, 119.042, 0.04),
    ("建德市", "330182", 29.475, 119.281, 0.04),
)
DISTRICT_NAMES = np.array([d[0] for d in DISTRICTS])
DISTRICT_CODES = np.array([d[1] for d in DISTRICTS])
DISTRICT_LAT = np.array([d[2] for d in DISTRICTS])
DISTRICT_LON = np.array([d[3] for d in DISTRICTS])
DISTRICT_WEIGHT = np.array([d[4] for d in DISTRICTS]) / sum(d[4] for d in DISTRICTS)

# Region codes of people born elsewhere who are insured here (migrants keep their birth code).
OUTSIDE_ID_PREFIXES = np.array([
    "330302", "330402", "330502", "330602", "330702", "330902",  # other Zhejiang cities
    "340102", "360102", "410102", "420102", "430102", "510104", "320102", "110101", "310101",
])

STREETS = np.array([
    "解放路", "延安路", "文三路", "文二路", "天目山路", "凤起路", "体育场路", "莫干山路", "教工路",
    "学院路", "古墩路", "江南大道", "滨盛路", "市心路", "人民路", "建设路", "金城路", "富春路",
    "钱江路", "新华路", "中山路", "环城路", "东湖路", "临平大道", "迎宾路", "健康路", "望江路",
])


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in kilometres, vectorised over numpy arrays."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
