"""Yes/no facts said in passing: working in a call center, burnout, a diploma, a business.

"8 months na at teleperformance" answers "do you work in a call center?" before it is asked;
"i stopped nursing in 2nd year" answers the diploma question. Each reader returns "yes",
"no" or None, and only for clear statements: an unclear one is asked about instead.
"""

from __future__ import annotations

import re

from coach.domain.understand import YesNo

_CC_NO = re.compile(
    r"\b(?:not yet|haven't started|have not started|about to start|starting (?:next|on|in)|"
    r"(?:i'm|i am|still) (?:a )?(?:student|unemployed|jobless|job ?hunting|looking for (?:a )?job)"
    r"|fresh grad|just graduated|graduating|applying|i'm applying|no work|walang trabaho|"
    r"naghahanap|nag-?aapply|student pa|wala pa (?:po )?(?:akong )?(?:work|trabaho)|\bstudent\b|"
    r"i (?:don't|do not) work|not working|i quit|resigned|between jobs|"
    r"не работаю|пока не работаю|ещ[её] не работаю|студент\w*|ищу работу|безработн\w*|"
    r"собираюсь (?:устроиться|пойти)|хочу устроиться|уволил\w*|в декрете|выпускни\w*)\b"
)
_CC_YES = re.compile(
    r"\b(?:i (?:work|am working|'m working|do|handle|take|make)\b.{0,40}\b(?:call cent(?:er|re)|"
    r"bpo|account|calls|chats?|support|helpdesk|help desk|customer service|collections?|sales)"
    r"|(?:call cent(?:er|re)|bpo|csr|tsr|chat support|customer support|customer service|"
    r"tech support|technical support|helpdesk|help desk|collections?) (?:agent|rep|representative"
    r"|advisor|specialist|job|work|here|for|at|na|po)|(?:i'm|i am|im) (?:an? )?"
    r"(?:call center |bpo |csr|tsr|agent|customer service|support|chat support|team lead|tl\b)|"
    r"\d+\s*(?:months?|mos?|years?|yrs?)\s*(?:na\s+)?(?:at|in|sa|with)\b|"
    r"(?:teleperformance|concentrix|alorica|sitel|sykes|convergys|ttec|startek|foundever|"
    r"taskus|accenture|conduent|vxi|ibex|transcom|telus|majorel|webhelp|ibm|infosys|wipro|"
    r"tech mahindra|genpact)|on the phones?|inbound|outbound|graveyard|night shift|"
    r"customer care|voice process|non-voice|answering (?:\w+ ){0,3}(?:calls|chats)|"
    r"(?<!want to work in a )(?<!apply to a )call cent(?:er|re)\b|(?:csr|agent|tl) (?:po )?ako|"
    r"support (?:po )?muna ako|(?:on|in|for) (?:an?|the|our) (?:[\w-]+ ){0,3}account\b|"
    r"работаю|я оператор|оператор\w*|в колл-?центре|в кол-?центре|в поддержке|в техподдержке|"
    r"на линии|на телефоне|на входящ\w+|на исходящ\w+|нам звонят|принимаю звонки|"
    r"обзваниваю|продаю по телефону)"
)


def in_call_center(norm: str) -> YesNo | None:
    """Whether the person works in a call center now, from how they describe their day."""
    if _CC_NO.search(norm):
        return "no"
    if _CC_YES.search(norm) and not re.search(
        r"\b(?:want|wanna|хочу|мечтаю) (?:to )?(?:work|"
        r"работать|устроиться)\b",
        norm,
    ):
        return "yes"
    return None


def line(norm: str) -> str | None:
    """Inbound or outbound, when named."""
    if re.search(r"\b(?:inbound|incoming|входящ\w*|нам звонят|принимаю звонки)", norm):
        return "inbound"
    if re.search(r"\b(?:outbound|outgoing|collections?|cold call\w*|исходящ\w*|обзвон\w*)", norm):
        return "outbound"
    return None


_BURNT_YES = re.compile(
    r"\b(?:burn(?:ed|t)? ?out|burning out|exhausted|drained|stuck|stagnant|stagnating|"
    r"going nowhere|dead end|pagod na|suya na|sawang-sawa|sawa na|выгорел\w*|выгорани\w*|"
    r"устал\w*|застой|застрял\w*|тупик|топчусь на месте|нет сил|бесит|надоело)"
)
_BURNT_NO = re.compile(
    r"\b(?:not (?:really )?(?:burn(?:ed|t)? ?out|stuck|tired)|no burnout|i'm fine|i'm good|"
    r"i (?:like|love|enjoy) (?:my|the) (?:job|work)|не выгорел\w*|выгорания нет|нет выгорания|"
    r"нравится (?:моя )?работа)"
)


def burnt_out(norm: str) -> YesNo | None:
    """Burnt out or stuck, when said plainly; a denial wins only if nothing else is admitted."""
    denial = _BURNT_NO.search(norm)
    rest = _BURNT_NO.sub(" ", norm)
    if _BURNT_YES.search(rest):
        return "yes"
    return "no" if denial else None


_DIPLOMA_YES = re.compile(
    r"\b(?:stopp(?:ed)? (?:studying|school|college|uni\w*|nursing|my \w+)|dropp(?:ed)? out|"
    r"drop ?out|didn't finish|did not finish|never finished|couldn't finish|undergrad|"
    r"(?:1st|2nd|3rd|4th|first|second|third|fourth) year (?:college|only|lang|of|in)|"
    r"need(?:s)? (?:a |my )?(?:diploma|degree|license|licence|board exam)|"
    r"(?:diploma|degree|license) (?:is )?(?:needed|required)|"
    r"бросил\w* (?:универ|институт|учеб|колледж|вуз|техникум|политех)|не доучил\w*|недоучил\w*|"
    r"(?:универ|институт|политех|колледж|вуз|техникум|учеб\w*) бросил\w*|"
    r"отчислил\w*|нуж(?:ен|на|но) (?:диплом|корочк\w*|образовани\w*)|без (?:диплома|корочки) "
    r"не)"
)
_DIPLOMA_NO = re.compile(
    r"\b(?:no (?:diploma|degree) (?:needed|required)|(?:don't|do not|doesn't|does not) need (?:a )?"
    r"(?:diploma|degree)|(?:diploma|degree) (?:isn't|is not|not) (?:needed|required)|"
    r"диплом не нуж\w*|не нуж(?:ен|на) (?:диплом|корочка)|без диплома можно)"
)


def diploma(norm: str) -> YesNo | None:
    if _DIPLOMA_NO.search(norm):
        return "no"
    return "yes" if _DIPLOMA_YES.search(norm) else None


_BUSINESS = re.compile(
    r"\b(?:my own|own (?:a|my)|open (?:a|my)|start (?:a|my)|run (?:a|my)|sariling|"
    r"business|negosyo|shop|store|stall|cafe|café|coffee shop|bakery|restaurant|carinderia|"
    r"sari-sari|food cart|franchise|salon|barbershop|boutique|catering|"
    r"сво[йюеё] (?:бизнес|дело|магазин|кофейн\w*|пекарн\w*|студи\w*|салон\w*|кафе|барбершоп)|"
    r"бизнес\w*|открыть|кофейн\w*|пекарн\w*|магазин\w*|ларь?к\w*|точк\w* (?:с|по))"
)


def business(dream: str) -> YesNo | None:
    """A dream job that is a business of one's own needs capital: yes; otherwise unknown."""
    return "yes" if _BUSINESS.search(dream) else None


def passion(norm: str) -> YesNo | None:
    if re.search(r"\b(?:my passion|a passion|hobby|hobbies|libangan|хобби|увлечени\w*)\b", norm):
        if re.search(r"\b(?:not (?:a |just a )?(?:hobby|passion)|не хобби|не увлечение)\b", norm):
            return "no"
        return "yes"
    return None


def courses(norm: str) -> YesNo | None:
    if re.search(
        r"\b(?:online course\w*|bootcamp|coursera|udemy|self[- ]taught|youtube tutorials|"
        r"learn (?:it )?online|онлайн-?курс\w*|на курсах|курсы (?:по|на)|самоучк\w*)",
        norm,
    ):
        if re.search(r"\b(?:can't|cannot|not enough|не хватит|нельзя)\b", norm):
            return None
        return "yes"
    return None
