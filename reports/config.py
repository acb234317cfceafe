"""The referral settings a bureau fills in once: ``HOME/referral.toml``.

Absent file or absent keys read as the defaults below. Example::

    bureau = "舟山市医疗保障局"
    addressee = "舟山市公安局"
    case_no_prefix = "舟医保移"
    contact = "基金监管科 0580-0000000"
    province = "浙江"            # picks [thresholds.provinces."浙江"] when present

    [thresholds]                 # yuan, lower bounds of each band (2011 interpretation)
    large = 3000                 # 数额较大: 3,000 to 10,000
    huge = 30000                 # 数额巨大: 30,000 to 100,000
    especially_huge = 500000     # 数额特别巨大: 500,000 and up

    [thresholds.provinces."浙江"]     # TOML: non-ASCII keys in quotes
    large = 6000
    huge = 100000
    especially_huge = 500000

>>> cfg = load_config_text('province = "浙江"\\n[thresholds.provinces."浙江"]\\nlarge = 6000\\nhuge = 100000')
>>> cfg.thresholds.large_fen, cfg.thresholds.huge_fen, cfg.thresholds.especially_huge_fen
(600000, 10000000, 50000000)
>>> load_config_text("[thresholds]\\nlarge = 50000")
Traceback (most recent call last):
...
reports.config.ConfigError: referral.toml: thresholds.large = 50000 yuan is outside the band ...
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ringtrace.errors import InputError
from ringtrace.workspace import Workspace

__all__ = [
    "ConfigError",
    "Thresholds",
    "ReferralConfig",
    "DEFAULT_THRESHOLDS_YUAN",
    "LEGAL_RANGES_YUAN",
    "config_path",
    "load_config",
    "load_config_text",
]

# DOMAIN.md: the lower bound of each band, yuan.
DEFAULT_THRESHOLDS_YUAN = {"large": 3000, "huge": 30000, "especially_huge": 500000}
# The ranges within which a province may set each lower bound (法释〔2011〕7号).
LEGAL_RANGES_YUAN = {"large": (3000, 10000), "huge": (30000, 100000), "especially_huge": (500000, None)}


class ConfigError(InputError):
    """referral.toml cannot be read or holds a value outside what the law allows."""


@dataclass(frozen=True)
class Thresholds:
    """Lower bounds of the three fraud bands, in fen; ``region`` names the province or 默认."""

    large_fen: int = 300000
    huge_fen: int = 3000000
    especially_huge_fen: int = 50000000
    region: str = "全国下限标准(法释〔2011〕7号)"


@dataclass(frozen=True)
class ReferralConfig:
    bureau: str = "××市医疗保障局"
    addressee: str = "××市公安局"
    case_no_prefix: str = "医保移"
    contact: str = ""
    province: str = ""
    thresholds: Thresholds = field(default_factory=Thresholds)


def config_path(ws: Workspace) -> Path:
    return ws.root / "referral.toml"


def _yuan_to_fen(name: str, value, where: str) -> int:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as e:
        raise ConfigError(f"{where}: thresholds.{name} = {value!r} is not a number of yuan.") from e
    lo, hi = LEGAL_RANGES_YUAN[name]
    if d < lo or (hi is not None and d > hi):
        band = f"{lo:,} to {hi:,}" if hi else f"{lo:,} and up"
        raise ConfigError(
            f"{where}: thresholds.{name} = {value} yuan is outside the band the 2011 judicial "
            f"interpretation allows ({band} yuan). Correct it in the workspace's referral.toml."
        )
    return int(d * 100)


def _thresholds(table: dict, where: str, region: str) -> Thresholds:
    unknown = set(table) - set(DEFAULT_THRESHOLDS_YUAN) - {"provinces"}
    if unknown:
        raise ConfigError(
            f"{where}: unknown threshold key(s) {', '.join(sorted(unknown))}; use large, huge, "
            f"especially_huge (yuan)."
        )
    values = {k: _yuan_to_fen(k, table.get(k, v), where) for k, v in DEFAULT_THRESHOLDS_YUAN.items()}
    return Thresholds(values["large"], values["huge"], values["especially_huge"], region)


def load_config_text(text: str, where: str = "referral.toml") -> ReferralConfig:
    """Parse the TOML text of a referral.toml (see the module doc)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{where} is not valid TOML ({e}). Fix the file or delete it to use defaults.") from e
    base = doc.get("thresholds", {})
    province = str(doc.get("province", "") or "")
    provinces = base.get("provinces", {})
    if province and province in provinces:
        merged = {**{k: v for k, v in base.items() if k != "provinces"}, **provinces[province]}
        thresholds = _thresholds(merged, where, province)
    else:
        region = province if province and any(k in base for k in DEFAULT_THRESHOLDS_YUAN) else Thresholds().region
        thresholds = _thresholds(base, where, region)
    defaults = ReferralConfig()
    return ReferralConfig(
        bureau=str(doc.get("bureau", defaults.bureau)),
        addressee=str(doc.get("addressee", defaults.addressee)),
        case_no_prefix=str(doc.get("case_no_prefix", defaults.case_no_prefix)),
        contact=str(doc.get("contact", defaults.contact)),
        province=province,
        thresholds=thresholds,
    )


def load_config(ws: Workspace) -> ReferralConfig:
    """The workspace's referral.toml, or the defaults when it does not exist."""
    path = config_path(ws)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ReferralConfig()
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path} is not UTF-8 text; save it as UTF-8.") from e
    return load_config_text(text, str(path))
