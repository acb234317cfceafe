"""The police referral pack: referral.pdf (letter, investigation report) and evidence.xlsx."""
