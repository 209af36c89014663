"""Version 1 of the five industry packs. The data lives in the migration (not imported from
app code) so replaying history always seeds the same rows; later changes are new versions."""

from django.db import migrations


def _t(phrase, why=""):
    return {"phrase": phrase, "why": why}


PACKS = [
    {
        "slug": "pharmaceutical",
        "name": "Pharmaceutical (prescription drugs)",
        "description": (
            "US prescription-drug promotion. Sources: 21 CFR 202.1(e) (advertisements must not be "
            "false or misleading and must present a fair balance of effectiveness and risk "
            "information; claims of safety or effectiveness need substantial evidence); FDA "
            "'Bad Ad' program and Office of Prescription Drug Promotion untitled/warning "
            "letters on social posts that omit risk information; 21 U.S.C. 352(n). "
            "Posts naming a benefit must point to the full prescribing information."
        ),
        "rules": {
            "banned_claims": [
                _t("no side effects", "21 CFR 202.1(e)(5): omits or minimises risk."),
                _t("completely safe", "21 CFR 202.1(e)(6): unqualified safety claim."),
                _t("100% safe", "21 CFR 202.1(e)(6): unqualified safety claim."),
                _t("safer than", "Comparative safety needs head-to-head evidence."),
                _t("cures", "Cure claims need substantial evidence (21 CFR 202.1(e)(6))."),
                _t("guaranteed results", "Efficacy cannot be guaranteed."),
                _t("miracle drug", "Misleading efficacy claim."),
                _t("risk-free", "Omits risk information (fair balance)."),
                _t("off-label", "Promotion beyond approved labelling."),
            ],
            "review_keywords": [
                _t("clinically proven", "Needs substantiation on file."),
                _t("FDA approved", "Must match the approved indication."),
                _t("breakthrough", "Superlative efficacy language."),
                _t("prescription", "Prescription-drug promotion needs medical-legal review."),
            ],
            "required_disclaimers": [
                {
                    "text": "See full Prescribing Information and Important Safety Information.",
                    "when_any": ["treat", "treatment", "relief", "prescription", "dose"],
                }
            ],
        },
    },
    {
        "slug": "healthcare",
        "name": "Healthcare and health products",
        "description": (
            "Health products and services. Sources: FTC Health Products Compliance Guidance "
            "(December 2022: health claims need competent and reliable scientific evidence, "
            "generally randomised controlled trials); FTC Act section 5 and 12 (false "
            "advertisements for food, drugs, devices); FTC Endorsement Guides, 16 CFR Part 255 "
            "(2023) for testimonials; HIPAA Privacy Rule, 45 CFR 164.508, for patient stories."
        ),
        "rules": {
            "banned_claims": [
                _t("cures cancer", "Disease cure claim without RCT evidence (FTC guidance)."),
                _t("miracle cure", "FTC: unsubstantiated health claim."),
                _t("guaranteed cure", "FTC: unsubstantiated health claim."),
                _t("detox your body", "FTC has challenged unsubstantiated detox claims."),
                _t("boosts your immune system", "Needs competent and reliable evidence."),
                _t("doctors hate", "Deceptive format."),
                _t("no risk", "Omits material risk information."),
            ],
            "review_keywords": [
                _t("clinically proven", "FTC: must match the strength of the evidence."),
                _t("doctor recommended", "Endorsement needs substantiation (16 CFR 255)."),
                _t("patient", "Patient stories need written HIPAA authorisation."),
                _t("testimonial", "Endorsement Guides: typical results disclosure."),
                _t("results may vary", "Check that typical results are disclosed."),
            ],
            "required_disclaimers": [
                {
                    "text": "This is not medical advice.",
                    "when_any": ["symptom", "diagnos", "treat", "condition"],
                }
            ],
        },
    },
    {
        "slug": "financial_services",
        "name": "Financial services and investments",
        "description": (
            "Financial promotions. Sources: UK FCA Handbook COBS 4.2.1R (a financial promotion "
            "must be fair, clear and not misleading) and COBS 4.6.2R (past performance must "
            "not be the most prominent feature and must warn that it is not a reliable "
            "indicator of future results); FCA FG24/1 (2024) on financial promotions on social "
            "media and by finfluencers; US SEC Marketing Rule, 17 CFR 275.206(4)-1 (no "
            "untrue statements, balanced presentation of risks); FINRA Rule 2210(d)."
        ),
        "rules": {
            "banned_claims": [
                _t("guaranteed returns", "COBS 4.2.1R / SEC 206(4)-1: misleading."),
                _t("guaranteed profit", "COBS 4.2.1R: misleading."),
                _t("risk-free", "COBS 4.2.1R: investments carry risk."),
                _t("no risk", "COBS 4.2.1R: investments carry risk."),
                _t("get rich quick", "FG24/1: misleading promotion."),
                _t("can't lose", "FINRA 2210(d)(1)(B): promissory claim."),
                _t("double your money", "Promissory claim."),
            ],
            "review_keywords": [
                _t("invest", "Financial promotion: needs approval by an authorised person."),
                _t("returns", "Performance claims need balance and a risk warning."),
                _t("crypto", "FCA cryptoasset promotion rules (COBS 4.12A)."),
                _t("APR", "Consumer credit: representative APR rules (CONC 3.5)."),
                _t("yield", "Performance claim."),
            ],
            "required_disclaimers": [
                {
                    "text": "Capital at risk.",
                    "when_any": ["invest", "investing", "investment", "shares", "crypto", "fund"],
                },
                {
                    "text": "Past performance is not a reliable indicator of future results.",
                    "when_any": ["performance", "returned", "returns", "growth of"],
                },
            ],
        },
    },
    {
        "slug": "alcohol",
        "name": "Alcohol beverages",
        "description": (
            "Alcohol advertising. Sources: US TTB advertising rules, 27 CFR 4.64 (wine), "
            "27 CFR Part 5 subpart I and Part 7 subpart I (distilled spirits and malt "
            "beverages, modernised by T.D. TTB-176, 2022): no false or misleading statements, "
            "no health-related statements that mislead, no claims about curative or "
            "therapeutic effects; Distilled Spirits Council Code of Responsible Practices "
            "(adult audience, responsible drinking, no drink-driving); UK CAP Code section 18 "
            "(not linked to social or sexual success, not appealing to under-18s)."
        ),
        "rules": {
            "banned_claims": [
                _t("healthy", "TTB: health-related statements are presumed misleading."),
                _t("good for your health", "TTB health-related statement."),
                _t("cures", "TTB: curative or therapeutic claim."),
                _t("hangover free", "TTB: misleading health-related statement."),
                _t("boosts performance", "CAP 18.7: no link to enhanced performance."),
                _t("drink and drive", "DISCUS Code: never associate with driving."),
                _t("for kids", "CAP 18.14 / DISCUS: must not appeal to under-18s."),
                _t("get drunk", "DISCUS Code: irresponsible consumption."),
            ],
            "review_keywords": [
                _t("party", "CAP 18.4: social success association."),
                _t("student", "Audience may include under-21s (US) or under-18s (UK)."),
                _t("strong", "CAP 18.9: strength must not be the main theme."),
                _t("shots", "Encourages rapid consumption."),
            ],
            "required_disclaimers": [{"text": "Please drink responsibly.", "when_any": []}],
        },
    },
    {
        "slug": "gambling",
        "name": "Gambling and betting",
        "description": (
            "Gambling advertising. Sources: UK CAP Code section 16 (16.1 socially responsible; "
            "16.3.3-16.3.4 no suggestion that gambling solves personal or financial problems; "
            "16.3.12-16.3.13 no strong appeal to under-18s); Gambling Commission LCCP social "
            "responsibility code 16.1.1; Industry Group for Responsible Gambling code (safer "
            "gambling messages, 18+); Gambling Commission rules on free-bet and bonus terms "
            "being clear (CAP 16.3.16 incentives, CMA undertakings 2019)."
        ),
        "rules": {
            "banned_claims": [
                _t("risk-free bet", "CAP 16 / CMA: misleading incentive."),
                _t("guaranteed win", "CAP 16.3.1: irresponsible."),
                _t("sure thing", "CAP 16.3.1: irresponsible."),
                _t("pay off your debts", "CAP 16.3.4: solution to financial concerns."),
                _t("quit your job", "CAP 16.3.4: alternative to employment."),
                _t("beat depression", "CAP 16.3.3: escape from personal problems."),
                _t("easy money", "CAP 16.3.4: way to financial security."),
            ],
            "review_keywords": [
                _t("free bet", "Significant terms must be stated with the offer."),
                _t("bonus", "Significant terms must be stated with the offer."),
                _t("odds", "Check odds are accurate and not misleading."),
                _t("jackpot", "Check prominence of safer-gambling message."),
            ],
            "required_disclaimers": [
                {"text": "18+", "when_any": []},
                {"text": "BeGambleAware.org", "when_any": []},
            ],
        },
    },
]


def seed(apps, schema_editor):
    CompliancePack = apps.get_model("validation", "CompliancePack")
    for pack in PACKS:
        CompliancePack.objects.update_or_create(
            slug=pack["slug"],
            version=1,
            defaults={
                "name": pack["name"],
                "description": pack["description"],
                "rules": pack["rules"],
                "is_active": True,
            },
        )


def unseed(apps, schema_editor):
    CompliancePack = apps.get_model("validation", "CompliancePack")
    CompliancePack.objects.filter(slug__in=[p["slug"] for p in PACKS], version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("validation", "0002_validationrun_append_only")]

    operations = [migrations.RunPython(seed, unseed)]
