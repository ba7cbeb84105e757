"""Facts in free text: the dream job, a deadline, a shift, rest days, savings, a plan's day.

Each reader takes a normalised message and returns the fact in a few words, or None. They
are rules for the clear cases; what rules cannot decide is left to the sentence encoder in
``coach.domain.meaning``. Readers never return the whole message where a fact belongs.
"""

from __future__ import annotations

import re
from datetime import date

from coach.domain.numbers import Quantity, first_amount, monthly, period, quantities
from coach.domain.understand import parse_date

# --- the dream job --------------------------------------------------------------------------

_EN_WANT = (
    r"(?:want(?:ed)?|wanna|would (?:really )?love|'d (?:really )?love|love|hope|plan|aim|dream"
    r"(?:ed|ing)?|wish|aspire|would like|'d like|gonna|going|try(?:ing)?|hoping|planning)"
)
_EN_BE = (
    r"(?:be|become|becoming|being|work as|working as|get into|getting into|go into|have|open"
    r"|opening|own|owning|start|starting|run|running|build|make it as|do|doing|pursue|switch to"
    r"|move into|move to|transition into|shift to|turn into|land a job as|get a job as|work in)"
)
_DREAM_EN = [
    re.compile(rf"\b{_EN_WANT}\s+(?:\w+\s+){{0,2}}?to\s+{_EN_BE}\s+(?P<fact>[^.,;!?()]+)"),
    re.compile(
        r"\bdream(?:\s+(?:job|career|work|goal))?\s*(?:is|was|would be|=|:|-|—|'s)\s*"
        rf"(?:to\s+{_EN_BE}\s+|of\s+(?:being|becoming|owning|opening|having)\s+|being\s+)?"
        r"(?P<fact>[^.,;!?()]+)"
    ),
    re.compile(
        r"\bdream(?:ing)?\s+(?:of|about)\s+(?:being|becoming|owning|opening|having|running|"
        r"working as|starting)?\s*(?P<fact>[^.,;!?()]+)"
    ),
    re.compile(r"\b(?:someday|one day|eventually)\s+i(?:'ll| will| wanna| want to)\s+"
               rf"{_EN_BE}\s+(?P<fact>[^.,;!?()]+)"),
    re.compile(r"\b(?:and|to|then) (?:be|become) (?:an?|the) (?P<fact>[^.,;!?()]+)"),
    re.compile(r"\bi (?:really )?(?:like|love|enjoy)\s+"
               r"(?P<fact>\w+ing(?: (?!on|for|with|at|in|to)\w+)?)"),
    re.compile(r"\bgusto ko(?:ng)?(?:\s+(?:po|talaga|sana|lang|na))*\s+(?:maging|mag|magkaroon ng|"
               r"ng)?\s*(?P<fact>[^.,;!?()]+)"),
    re.compile(r"\bpangarap ko(?:ng)?(?:\s+(?:po|talaga|lang|na|ay))*\s+(?:maging\s+)?"
               r"(?P<fact>[^.,;!?()]+)"),
    re.compile(r"\b(?P<fact>[\w -]{3,30}?) (?:talaga |po )*(?:ang )?gusto ko\b"),
]  # fmt: skip
_RU_INSTR = r"(?:стать|быть|работать|устроиться|пойти работать)"
_DREAM_RU = [
    (re.compile(r"(?:хочу|хотела? бы|мечтаю|мечтала?|планирую|собираюсь|хотелось бы|думаю)"
                rf"\s+(?:\S+\s+)?{_RU_INSTR}\s+(?:в\s+)?(?P<fact>[^.,;!?()]+)"), "instr"),
    (re.compile(r"(?:хочу|хотела? бы|мечтаю|планирую|собираюсь)\s+(?:\S+\s+)?"
                r"(?:открыть|завести|начать|запустить|делать|иметь)\s+"
                r"(?P<fact>[^.,;!?()]+)"), "acc"),
    (re.compile(r"(?:мечта|работа мечты|моя мечта|цель)\s*(?:-|—|:|это|—\s*это)?\s*"
                r"(?:стать\s+|быть\s+|открыть\s+|работать\s+)?(?P<fact>[^.,;!?()]+)"), "mixed"),
    (re.compile(r"мечтаю\s+о\s+(?:сво[её]м\s+|собственном\s+)?(?P<fact>[^.,;!?()]+)"), "prep"),
    (re.compile(r"(?:хочу|хотела? бы)\s+(?:уйти |перейти |податься |пойти )?(?:в|во)\s+"
                r"(?P<fact>[^.,;!?()]+)"), "plain"),
    (re.compile(r"хочу\s+(?P<fact>[^.,;!?()]+?)\s+(?:быть|стать)\b"), "instr"),
    (re.compile(r"хочу\s+(?:сво[йюеё]|собственн\w+)\s+(?P<fact>[^.,;!?()]+)"), "acc"),
]  # fmt: skip
_CUT_EN = re.compile(
    r"\s+(?:because|cause|coz|cuz|since|so that|so i|and i|and then|but|someday|one day|"
    r"in the future|in \d+|within|by \d+|by next|after|before|kasi|para|pero|tapos|lol|haha|"
    r"near|for (?:my|the|a)|i (?:make|do|sell|have|love|like)|with my|like my|po|talaga|sana|"
    r"na lang|eh|if|when|while|"
    r"on (?:my|the|our|weekends?|rest days?)|at (?:a|the|my)|in (?:a|an|the|my|our)|sa|abroad|"
    r"overseas|instead|rather than|than|from|i think|i guess|maybe|probably|or something"
    r"|and (?:earn|help|have|be|work|travel|live|get|make|save|support))\b.*$"
)
_CUT_RU = re.compile(
    r"\s+(?:потому что|потому|так как|чтобы|ведь|но|а то|и (?:работать|зарабатывать|жить|"
    r"помогать|путешествовать)|через|к \d|в будущем|когда-нибудь|лет через|уже|если|хотя|"
    r"наверное|может|вообще|короче|типа|как бы)\b.*$"
)
_LEAD_EN = re.compile(
    r"^(?:an?|the|my own|my|own|a real|real|full[- ]time|full time|like|some kind of|kind of|"
    r"sort of|maybe|probably|just|really|actually|ng|ang|isang|mga)\s+"
)
_LEAD_RU = re.compile(r"^(?:сво[йюеёи]м?|собственн\w+|настоящ\w+|каким-нибудь|как|типа|ну)\s+")
_NOT_JOBS = frozenset(
    "it this that something anything everything more better happy rich free job work here there"
    " idk dunno unsure sure yes no ok okay".split()
)


def _ru_nominative(word: str, case: str, last: bool) -> str:
    """Put one Russian word back into the nominative case, the form a plan card shows.

    "стать программистом" → "программист", "открыть кофейню" → "кофейня". Only the endings
    that the verbs before a dream job govern are undone; anything else is left as written.
    """
    if case == "instr":
        for end, new in (("ым", "ый"), ("им", "ий"), ("ой", "ая" if not last else "а"),
                         ("ей", "я"), ("ом", ""), ("ем", "ь"), ("ью", "ь")):  # fmt: skip
            if word.endswith(end) and len(word) > len(end) + 2:
                if end == "ем" and word[-3] in "жшчщц":
                    return word[:-2]
                return word[: -len(end)] + new
    if case == "acc":
        for end, new in (("ую", "ая"), ("юю", "яя"), ("ю", "я"), ("у", "а")):
            if word.endswith(end) and len(word) > len(end) + 2:
                return word[: -len(end)] + new
    if case == "prep":
        for end, new in (("ом", "ый"), ("ой", "ая"), ("е", ""), ("и", "ь")):
            if word.endswith(end) and len(word) > len(end) + 2:
                return word[: -len(end)] + (new if not last or end != "ом" else "")
    return word


def _tidy(fact: str, russian: bool, case: str = "plain") -> str | None:
    fact = (_CUT_RU if russian else _CUT_EN).sub("", f" {fact.strip()} ").strip()
    lead = _LEAD_RU if russian else _LEAD_EN
    for _ in range(3):
        fact = lead.sub("", fact)
    fact = re.sub(r"[\s\-–—:]+$", "", fact).strip(" '\"«»")
    words = fact.split()
    if not words or len(words) > 6 or all(w in _NOT_JOBS for w in words):
        return None
    if russian and case != "plain":
        how = "instr" if case == "mixed" else case
        # "инженером-строителем": each part of a hyphenated word takes the case.
        words = [
            "-".join(_ru_nominative(p, how, i == len(words) - 1) for p in w.split("-"))
            for i, w in enumerate(words)
        ]
    return " ".join(words)


def dream_job(norm: str) -> str | None:
    """The dream job in a few words: "i really want to be a nurse" → "nurse"."""
    russian = bool(re.search(r"[а-я]", norm))
    if russian:
        for pattern, case in _DREAM_RU:
            match = pattern.search(norm)
            if match is not None and (fact := _tidy(match.group("fact"), True, case)):
                return fact
    for pattern_en in _DREAM_EN:
        for match in pattern_en.finditer(norm):
            if fact := _tidy(match.group("fact"), False):
                return fact
    return None


def short_answer(norm: str, max_words: int = 5) -> str | None:
    """A short reply's first clause, tidied: "milk tea stall, near the university"."""
    first = re.split(r"[.,;!?()\n]| - | — ", norm, maxsplit=1)[0].strip()
    russian = bool(re.search(r"[а-я]", first))
    first = re.sub(r"^(?:i want to be|i want|maybe|probably|хочу быть|хочу|наверное)\s+", "", first)
    fact = _tidy(first, russian, "instr" if re.match(r"\w+(?:ом|ем|ой)\b", first) else "plain")
    if fact is None or len(fact.split()) > max_words:
        return None
    return fact


# --- deadlines, shifts and days --------------------------------------------------------------

_BY_WHEN = re.compile(
    r"\b(?:in|within|after|around|about)\s+(?:the next\s+)?(?:\d+(?:[.,]\d+)?|a|an|one|two|three|"
    r"four|five|six|ten|a couple of|a few|few)\s*(?:-|to)?\s*(?:\d+\s*)?(?:years?|yrs?|months?)\b"
    r"|\b\d+(?:\s*(?:-|to)\s*\d+)?\s*(?:years?|yrs?|months?)\s*(?:max|tops|from now|or so)\b"
    r"|\bby\s+(?:20\d\d|next year|the end of (?:the |this |next )?\w+|(?:jan|feb|mar|apr|may|jun|"
    r"jul|aug|sep|oct|nov|dec)\w*(?: 20\d\d)?|\w+ 20\d\d)|\b(?:next|this) year\b"
    r"|\b(?:sa|within) (?:loob ng )?\w+ (?:na )?taon\b|\b(?:isang|dalawang|tatlong) taon\b"
    r"|через\s+(?:\S+\s+)?(?:год\w*(?:[-–]\w+)?|лет|месяц\w*|полгода)"
    r"|\bза\s+(?:\S+\s+)?(?:год\w*(?:[-–]\w+)?|лет|"
    r"месяц\w*|полгода)|\bк\s+(?:20\d\d|концу|лету|осени|зиме|весне|следующему)\S*(?:\s+год\w*)?"
    r"|\bв\s+(?:20\d\d|следующем году|этом году)"
    r"|\bгод(?:а|ик)?\s+через\s+\S+"
)
# Only when the deadline was asked: "2 years", «год-полтора», "maybe 5".
_BY_WHEN_LOOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:-|–|to)?\s*\d*\s*(?:years?|yrs?|months?|mos?|год\w*|лет|мес\w*)"
    r"|\b(?:a|one|two|three|four|five|ten|a couple|few)\s+(?:years?|months?)"
    r"|\b(?:год|полгода|года|два|три)(?:[-–\s]+(?:полтора|два|три|года))?\b|asap|soon|скорее"
)


def by_when(norm: str, pending: bool = False) -> str | None:
    """A deadline: "in 2 years", "by 2028", «через год». Bare "8 months" only when asked."""
    match = _BY_WHEN.search(norm)
    if match is None and pending:
        match = _BY_WHEN_LOOSE.search(norm)
    return match.group(0).strip() if match else None


_SHIFT = re.compile(
    r"\b(?:(?:night|day|mid|morning|afternoon|graveyard|evening|swing|rotating|rotational|"
    r"split|flexible|fixed|early|late|opening|closing|weekend|ns|gy)\s*[- ]?shifts?"
    r"|(?:graveyard|nightshift|night shift|nights|rotating|shifting sked|shifting)"
    r"|\d{1,2}\s*(?::\d\d)?\s*(?:am|pm)\s*(?:-|to|till|until|–)\s*\d{1,2}\s*(?::\d\d)?\s*(?:am|pm)"
    r"|\d{1,2}\s*[- ]?(?:hour|hr|hrs)s?\s*(?:shifts?|a day|per day|daily)"
    r"|\d\s*(?:on|days? on)\s*,?\s*\d\s*(?:off|days? off)|[2-7]/[1-3](?!\d)"
    r"|(?:ночн|дневн|сменн|плавающ|вечерн|утренн|суточн)\w*(?:\s+смен\w*|\s+график\w*)?"
    r"|два через два|сутки через (?:двое|трое)|по\s+\d{1,2}\s*час\w*|\d\s*через\s*\d"
    r"|(?:график|смены?)\s+\d/\d|пятидневк\w*|5/2|6/1)\b"
)


def shift(norm: str) -> str | None:
    """The shift pattern in a few words: "graveyard shift", "2/2, по 12 часов"."""
    found: list[str] = []
    for match in _SHIFT.finditer(norm):
        piece = match.group(0).strip()
        if not any(piece in f or f in piece for f in found):
            found.append(piece)
    return ", ".join(found[:3]) if found else None


_DAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6, "weekend": 56, "weekends": 56,
    "lunes": 0, "martes": 1, "miyerkules": 2, "huwebes": 3, "biyernes": 4, "sabado": 5,
    "linggo": 6,
    "понедельник": 0, "пн": 0, "вторник": 1, "вт": 1, "среда": 2, "среду": 2, "ср": 2,
    "четверг": 3, "чт": 3, "пятница": 4, "пятницу": 4, "пт": 4, "суббота": 5, "субботу": 5,
    "сб": 5, "воскресенье": 6, "вс": 6, "выходные": 56,
}  # fmt: skip
_REST_CONTEXT = re.compile(
    r"\b(?:rest ?days?|rds?|days? off|off days?|off|free|walang pasok|day-?offs?|выходн\w*|"
    r"свободн\w*|отдыха\w*)\b"
)
_SHIFT_CONTEXT = re.compile(r"\b(?:график\w*|смен\w*|shifts?|sked|schedule|roster|\d\s*on\b|через)")
_SCHEDULES = [
    (re.compile(r"\b2\s*/\s*2\b|два через два|2 через 2|2 on,? 2 off"), 3.5),
    (re.compile(r"\b5\s*/\s*2\b|5 on,? 2 off|пятидневк"), 2.0),
    (re.compile(r"\b4\s*/\s*3\b|4 on,? 3 off"), 3.0),
    (re.compile(r"\b6\s*/\s*1\b|6 on,? 1 off|шестидневк"), 1.0),
    (re.compile(r"\b4\s*/\s*2\b|4 on,? 2 off"), 7 * 2 / 6),
    (re.compile(r"\b3\s*/\s*3\b|3 on,? 3 off"), 3.5),
    (re.compile(r"сутки через тро[её]"), 5.25),
    (re.compile(r"сутки через дво[её]"), 4.67),
]


def named_days(norm: str) -> list[int]:
    """Weekdays named in the text ("sat and sun" → [5, 6]); "weekends" counts as two."""
    days: list[int] = []
    weekend = False
    for word in re.findall(r"[a-zа-я]+", norm):
        day = _DAYS.get(word)
        if day == 56:
            weekend = True
        elif day is not None and day not in days:
            days.append(day)
    # «выходные вт и ср» names its days; "weekends off" alone means Saturday and Sunday.
    if weekend and not days:
        days = [5, 6]
    return days


def rest_days(norm: str, pending: bool) -> Quantity | None:
    """Rest days a week: "2", "sat and sun", "mon and tue off", "2/2" (3.5 on average)."""
    context = pending or _REST_CONTEXT.search(norm) is not None
    if not context and _SHIFT_CONTEXT.search(norm):
        # "график 2/2", "4 on 3 off": a schedule says how many rest days without the word.
        for pattern, value in _SCHEDULES:
            if (match := pattern.search(norm)) is not None:
                return Quantity(value, value, value, match.group(0))
    if not context:
        return None
    if pending:  # "два, но плавают, то вт ср, то сб вс": the number said first is the answer
        lead = quantities(re.split(r"[,.;(]", norm, maxsplit=1)[0])
        if lead and 0 <= lead[0].high <= 7 and len(norm.split(",")[0].split()) <= 3:
            return lead[0]
    on_off = re.search(r"\b(\d)\s*(?:days?\s*)?on\s*(?:,|and|/)?\s*(\d)\s*(?:days?\s*)?off\b", norm)
    if on_off is not None:
        days_on, days_off = int(on_off.group(1)), int(on_off.group(2))
        value = (
            round(7 * days_off / (days_on + days_off), 2) if days_on + days_off != 7 else days_off
        )
        return Quantity(value, value, value, on_off.group(0))
    # Only the clause that speaks of rest: "вт и ср выходные, в субботу самый поток" is two.
    clauses = [c for c in re.split(r"[.;,]| but | а | но ", norm) if c.strip()]
    rest_clause = next((c for c in clauses if _REST_CONTEXT.search(c)), None)
    if rest_clause is not None and named_days(rest_clause):
        norm = rest_clause
    counted = re.search(
        r"\b(\d(?:\s*(?:-|–|to|or|или)\s*\d)?|one|two|three|four|isa|dalawa|tatlo|один|одна|два|"
        r"две|три|четыре)\s*(?:rest ?days?|rds?|days? off|off days?|days?|выходн\w*|дн\w*|день)\b",
        norm,
    )
    if counted is not None:
        found = quantities(counted.group(1))
        if found and 0 <= found[0].high <= 7:
            return found[0]
    days = named_days(norm)
    named = days and (pending or re.search(r"\boff\b|rest|\brd|выходн", norm))
    if named and not re.search(r"\b(?:every|each|except)\b", norm):
        n = float(len(days))
        return Quantity(n, n, n, ", ".join(str(d) for d in days))
    for pattern, value in _SCHEDULES:
        if (match := pattern.search(norm)) is not None:
            return Quantity(value, value, value, match.group(0))
    if pending:
        found = [q for q in quantities(norm) if 0 <= q.high <= 7]
        if found:
            return found[0]
    return None


# --- money -----------------------------------------------------------------------------------

_SAVING_CONTEXT = re.compile(
    r"\b(?:save|saving|savings|put aside|set aside|left|leftover|left over|natitira|tira|"
    r"maitatabi|itabi|ipon|mag-?ipon|spare|extra|остается|остаться|остаток|откладыва\w*|"
    r"отложить|копить|коплю|свободн\w+ денег|сэконом\w*)\b"
)
_EARNING = re.compile(
    r"\b(?:earn|earning|salary|sahod ko|make|making|paid|pay is|income|получаю|зарплата|зп|"
    r"оклад|доход)\b"
)
_ZERO = re.compile(
    r"\b(?:nothing|zero|none|wala|walang natitira|nada|zilch|broke|ничего|ноль|нисколько|"
    r"не остается|ничего не остается|живу от зарплаты до зарплаты|paycheck to paycheck)\b"
)


def saving(norm: str, pending: bool) -> Quantity | None:
    """Money left to save each month; a cut-off (half a month's pay) counts twice."""
    if not pending and not _SAVING_CONTEXT.search(norm):
        return None
    if _ZERO.search(norm) and not quantities(re.sub(r"\bone\b|\bодин\b", "", norm)):
        return Quantity(0, 0, 0, "0")
    clause = norm
    if _EARNING.search(norm) and _SAVING_CONTEXT.search(norm):
        # "I earn 20k and save 3k": take the number nearest the saving word.
        parts = re.split(r"[,;.]| and | but | а | но | и ", norm)
        clause = next((p for p in parts if _SAVING_CONTEXT.search(p) and quantities(p)), norm)
    amount = first_amount(clause)
    if amount is None or amount.value < 0:
        return None
    thousands = re.search(r"\b(?:k|к|тыс\w*|тыщ\w*|thousand)\b", clause)
    if amount.high < 20 and not thousands and not pending:
        return None  # "2 kids" is no saving; asked directly, "0" or "5" is one
    return monthly(amount, period(clause))


def target(norm: str) -> Quantity | None:
    """The amount needed: "around 80k for the cart", «полтора миллиона»."""
    amount = first_amount(norm)
    if amount is not None and amount.value >= 0:
        return amount
    if _ZERO.search(norm):
        return Quantity(0, 0, 0, "0")
    return None


# --- the plan's day and its step -------------------------------------------------------------

_DAY_PHRASE = re.compile(
    r"\s*,?\s*\b(?:on|this|next|by|before|after|until|от|в|во|на|к|до|sa|this coming|"
    r"coming|sa darating na)?\s*(?:my\s+|the\s+)?(?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|mon|tue|wed|thu|fri|sat|sun|tomorrow|today|tonight|weekend|rest day|day off"
    r"|lunes|martes|miyerkules|huwebes|biyernes|sabado|linggo|bukas|понедельник|вторник|среду|"
    r"четверг|пятницу|субботу|воскресенье|завтра|сегодня|послезавтра|выходн\w*)\b"
    r"(?:\s+(?:off|morning|night|evening|afternoon|утром|вечером|днем|после смены|po))*"
)


def step_day(text: str, today: date) -> date | None:
    """The day in a step's sentence, also in Filipino ("sa sabado", "bukas")."""
    norm = text.lower()
    for tl, en in (("bukas", "tomorrow"), ("lunes", "monday"), ("martes", "tuesday"),
                   ("miyerkules", "wednesday"), ("huwebes", "thursday"), ("biyernes", "friday"),
                   ("sabado", "saturday"), ("linggo", "sunday"),
                   ("this weekend", "saturday"), ("на выходных", "суббота")):  # fmt: skip
        norm = re.sub(rf"\b{tl}\b", en, norm)
    return parse_date(norm, today)


def without_day(text: str) -> str:
    """The step's words with its day taken out: "call the school on monday" → "call the school"."""
    cut = _DAY_PHRASE.sub(" ", text, count=1)
    cut = re.sub(r"\s*,\s*(?:у меня|i have|kasi)\b.*$", "", cut)
    cut = re.sub(r"^\s*(?:и|а|ну|тогда|and|then|so|ok|okay)\s+", "", cut, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", cut).strip(" ,.;-—")
