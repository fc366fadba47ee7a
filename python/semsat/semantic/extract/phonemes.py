"""The phone set of transmitted speech: CMU ARPAbet without stress, plus SIL for silence and pauses.

The table is part of the wire format (phoneme ids travel over the link), so it is fixed here and never
derived from a model file: SIL is id 0, then the 39 CMUdict phones in alphabetical order. The acoustic
model of pocketsphinx (en-us) uses exactly these 39 phones plus SIL, so alignments map one to one.
"""

from __future__ import annotations

SILENCE = "SIL"

PHONES: tuple[str, ...] = (
    SILENCE,
    "AA",  # odd      AA D
    "AE",  # at       AE T
    "AH",  # hut      HH AH T
    "AO",  # ought    AO T
    "AW",  # cow      K AW
    "AY",  # hide     HH AY D
    "B",  # be        B IY
    "CH",  # cheese   CH IY Z
    "D",  # dee       D IY
    "DH",  # thee     DH IY
    "EH",  # Ed       EH D
    "ER",  # hurt     HH ER T
    "EY",  # ate      EY T
    "F",  # fee       F IY
    "G",  # green     G R IY N
    "HH",  # he       HH IY
    "IH",  # it       IH T
    "IY",  # eat      IY T
    "JH",  # gee      JH IY
    "K",  # key       K IY
    "L",  # lee       L IY
    "M",  # me        M IY
    "N",  # knee      N IY
    "NG",  # ping     P IH NG
    "OW",  # oat      OW T
    "OY",  # toy      T OY
    "P",  # pee       P IY
    "R",  # read      R IY D
    "S",  # sea       S IY
    "SH",  # she      SH IY
    "T",  # tea       T IY
    "TH",  # theta    TH EY T AH
    "UH",  # hood     HH UH D
    "UW",  # two      T UW
    "V",  # vee       V IY
    "W",  # we        W IY
    "Y",  # yield     Y IY L D
    "Z",  # zee       Z IY
    "ZH",  # seizure  S IY ZH ER
)

_IDS = {name: index for index, name in enumerate(PHONES)}


def strip_stress(phone: str) -> str:
    """'AH0' -> 'AH': CMUdict marks vowel stress with a trailing digit the phone set does not carry."""
    return phone.rstrip("012").upper()


def phone_id(phone: str) -> int:
    """Id of an ARPAbet phone, stress digits ignored ('UW1' -> id of 'UW'); ValueError if unknown."""
    name = strip_stress(phone)
    try:
        return _IDS[name]
    except KeyError:
        raise ValueError(f"{phone!r} is not an ARPAbet phone of semsat's set ({', '.join(PHONES)})") from None


def phone_name(index: int) -> str:
    """The phone of an id; ValueError outside 0..len(PHONES)-1."""
    if not 0 <= index < len(PHONES):
        raise ValueError(f"phone id {index} is outside 0..{len(PHONES) - 1}")
    return PHONES[index]
