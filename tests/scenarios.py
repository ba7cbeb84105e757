"""Scripted users: what a person types, turn by turn, to reach a plan card."""

from __future__ import annotations

# A call-center agent who wants to be a nurse, burnt out, picks the tuition path, gives a low
# confidence first (so the step gets smaller), and sets a savings target.
ENGLISH = [
    "I want to be a nurse",
    "I want to help people and earn more for my family",
    "in 3 years",
    "yes",
    "night shift, 9 hours",
    "2",
    "yeah, very",
    "about 5k a month",
    "yes",
    "not sure",
    "no",
    "nope",
    "2",  # 1 = escape plan, 2 = tuition, 3 = courses (unsure)
    "find the tuition of one nursing school",
    "Friday",
    "I'm too tired after my shift",
    "If I'm too tired, then I'll do it on my rest day morning",
    "5",
    "just open the school's website and write down the fee",
    "8",
    "120,000",
]

# Someone not yet in a call center, writing Russian: the "get hired" branch first.
RUSSIAN = [
    "Хочу стать программистом",
    "Чтобы работать из дома",
    "через два года",
    "нет, пока не работаю",
    "наверное входящая",
    "10 тыс",
    "да",
    "ага",
    "нет",
    "не знаю",
    "1",  # 1 = get hired
    "откликнуться на пять вакансий",
    "завтра",
    "страшно звонить",
    "Если будет страшно, то я напишу, а не позвоню",
    "8",
]
