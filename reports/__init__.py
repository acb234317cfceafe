"""Documents for people who do not use ringtrace: police referral packs and leaders' briefs."""
