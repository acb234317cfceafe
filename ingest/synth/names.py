"""Synthetic Chinese personal names, phone numbers and addresses, drawn vectorised.

>>> rng = np.random.default_rng(0)
>>> names = person_names(rng, np.array([True, False]))
>>> all(2 <= len(n) <= 3 for n in names)
True
>>> all(len(p) == 11 and p.isdigit() for p in phones(rng, 3))
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["SURNAMES", "person_names", "phones", "pick"]

# The commonest surnames, roughly by frequency (王李张刘陈 cover about 30% of people).
SURNAMES = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"))
_SURNAME_W = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.9
_SURNAME_W /= _SURNAME_W.sum()
_MALE = np.array(list("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国志文海东峰"))
_FEMALE = np.array(list("芳娜敏静丽艳娟霞秀玲桂英燕红梅琳洁雪颖倩婷琴云莉兰萍慧佳月瑶晶欣怡悦璐露"))
_PHONE_PREFIX = np.array(["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                          "153", "155", "156", "157", "158", "159", "177", "180", "181", "182", "183", "186",
                          "187", "188", "189", "199"])


def pick(rng: np.random.Generator, table: np.ndarray, n: int, p: np.ndarray | None = None) -> np.ndarray:
    return table[rng.choice(len(table), size=n, p=p)]


def person_names(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    """A surname and one or two given characters fitting the sex."""
    n = len(male)
    surname = pick(rng, SURNAMES, n, _SURNAME_W)
    first = np.where(male, pick(rng, _MALE, n), pick(rng, _FEMALE, n))
    second = np.where(male, pick(rng, _MALE, n), pick(rng, _FEMALE, n))
    two = rng.random(n) < 0.7
    given = np.where(two, np.char.add(first, second), first)
    return np.char.add(surname, given)


def phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """11-digit mobile numbers with real carrier prefixes."""
    tail = np.char.zfill(rng.integers(0, 10**8, n).astype("U8"), 8)
    return np.char.add(pick(rng, _PHONE_PREFIX, n), tail)
