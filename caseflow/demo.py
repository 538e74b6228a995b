"""Demo data: a living register of realistic cases, each replayed through the services on past dates.

Every case is opened and worked by the same service functions staff use, with `today` set to the
day each step happened, so every case obeys the legal rules and has a real audit trail.
Deterministic for a given --seed and --today; running it again adds more cases.
"""
import io
import random
import secrets
import unicodedata
import uuid
from collections import Counter, namedtuple
from datetime import date, datetime, time, timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import func, or_, select

from caseflow import clock, deadlines
from caseflow.extensions import db
from caseflow.models import Case, User
from caseflow.rights import DISCLOSING_OUTCOMES, REFUSAL_CODES_FOR, STATUSES
from caseflow.services import ServiceError
from caseflow.services import cases as svc
from caseflow.services import resolution
from caseflow.services import checklist, correspondence, packages
from caseflow.services import users as user_service

FIRST_NAMES = ("Jan Els An Koen Sofie Pieter Lotte Wouter Griet Tom Sarah Bart Hilde Jef Nele Stijn Katrien Dirk Ine "
               "Lucas Marie Wim Leen Arne Fien Gert Joke Ruben Liesbeth Mohamed Fatima Nathalie Luc Emma Jens").split()
LAST_NAMES = ("Peeters, Janssens, Maes, Jacobs, Mertens, Willems, Claes, Goossens, Wouters, De Smet, Vermeulen, "
              "Van den Broeck, Hermans, Aerts, Dubois, Van Dyck, Michiels, Verhoeven, Van Hoof, Lambrechts, "
              "Verstraeten, Nuyts, Smets, Huybrechts, Van Gorp, El Amrani, Lambert, Yilmaz").split(", ")
STREETS = ("Kerkstraat Stationsstraat Dorpsstraat Molenstraat Nieuwstraat Schoolstraat Kapelstraat Bredabaan "
           "Lindenlaan Veldstraat Heidestraat Sint-Jobsesteenweg Gasthuisstraat Turnhoutsebaan Mechelsesteenweg "
           "Rommersheide Bosstraat Kasteeldreef Leopoldlei Vaartstraat").split()
TOWNS = ("2960 Brecht", "2960 Sint-Lenaarts", "2980 Zoersel", "2990 Wuustwezel", "2930 Brasschaat", "2900 Schoten",
         "2390 Malle", "2970 Schilde", "2100 Deurne", "2018 Antwerpen", "2000 Antwerpen", "2300 Turnhout",
         "2200 Herentals", "2800 Mechelen", "2500 Lier", "2640 Mortsel", "2440 Geel", "2275 Lille", "9000 Gent",
         "3000 Leuven", "3500 Hasselt", "8000 Brugge", "1000 Brussel")
DEMO_TOKEN = "demo:"  # the form token of every demo case: how `demo seed` tells demo cases from real ones
DOMAINS = ("example.be", "example.be", "example.com", "example.org")
DEMO_STAFF = (("els.janssens@labelstudio.example", "Els Janssens", True),
              ("an.peeters@labelstudio.example", "An Peeters", False),
              ("koen.wouters@labelstudio.example", "Koen Wouters", False))

GBA = (" U kunt klacht indienen bij de Gegevensbeschermingsautoriteit (Drukpersstraat 35, 1000 Brussel) "
       "en een beroep doen op de rechter.")
# What customers write, per right (one sentence is picked for each right they invoke).
REQUEST_TEXTS = {
    "access": ("Graag had ik inzage in alle persoonsgegevens die jullie over mij bijhouden, met de doeleinden en "
               "de ontvangers ervan.",
               "Kunnen jullie mij laten weten welke gegevens Labelstudio van mij heeft en mij daar een kopie van "
               "bezorgen?"),
    "rectification": ("Mijn adres in jullie klantenbestand klopt niet meer, ik ben verhuisd. Gelieve dit aan te "
                      "passen.",
                      "Mijn naam staat verkeerd gespeld in mijn account, gelieve dat te verbeteren."),
    "erasure": ("Ik wens dat mijn account en al mijn gegevens gewist worden.",
                "Gelieve al mijn gegevens te verwijderen, ik zal niet meer bij jullie bestellen."),
    "restriction": ("Zolang u nakijkt of mijn gegevens juist zijn, vraag ik de verwerking ervan te beperken.",),
    "objection": ("Ik maak bezwaar tegen het gebruik van mijn gegevens voor reclame en persoonlijke aanbiedingen.",
                  "Ik wil niet dat mijn surfgedrag op jullie site gevolgd wordt."),
    "portability": ("Graag kreeg ik mijn accountgegevens en bestelgeschiedenis in een bruikbaar formaat (CSV of zo), "
                    "zodat ik ze kan meenemen.",),
    "consent_withdrawal": ("Ik wens mij uit te schrijven voor de nieuwsbrief en trek mijn toestemming in.",
                           "Ik trek mijn toestemming voor de nieuwsbrief en de cookies in."),
}
# How a right ends: the actions taken in Labelstudio's systems, then the outcome (weighted per right).
Ending = namedtuple("Ending", "weight outcome refusal_code reason actions")
ENDINGS = {
    "access": (
        Ending(8, "granted", None, "", (("webshop", "Accountgegevens en bestelgeschiedenis geëxporteerd"),
                                        ("invoicing", "Facturen van de laatste jaren bijgevoegd"),
                                        ("customer_service", "Kopie met doeleinden, ontvangers en bewaartermijnen "
                                                             "bezorgd"))),
        Ending(1, "partially_granted", "other", "Notities over een lopend fraudeonderzoek worden niet vrijgegeven "
               "(rechten van anderen, Art. 15(4))." + GBA,
               (("webshop", "Accountgegevens en bestelgeschiedenis geëxporteerd"),
                ("customer_service", "Kopie zonder fraudenotities bezorgd"))),
        Ending(1, "not_applicable", None, "Geen account, bestelling of inschrijving op dit adres gevonden.",
               (("webshop", "Gezocht op naam en e-mailadres: geen gegevens gevonden"),))),
    "rectification": (
        Ending(3, "granted", None, "", (("webshop", "Adres gecorrigeerd in het klantaccount"),
                                        ("bpost", "Bpost op de hoogte gebracht (Art. 19)"))),
        Ending(2, "partially_granted", "legal_retention", "Reeds uitgereikte facturen blijven ongewijzigd: "
               "wettelijke bewaarplicht." + GBA,
               (("webshop", "Gegevens verbeterd in het klantaccount"),
                ("invoicing", "Bestaande facturen ongewijzigd bewaard (fiscale bewaarplicht)")))),
    "erasure": (
        Ending(5, "partially_granted", "legal_retention", "Factuurgegevens bewaren wij 10 jaar (fiscale "
               "bewaarplicht, Art. 17(3)(b))." + GBA,
               (("webshop", "Webshopaccount verwijderd"), ("mailchimp", "Contact verwijderd uit Mailchimp"),
                ("invoicing", "Factuurgegevens bewaard: fiscale bewaarplicht (Art. 17(3)(b))"),
                ("paypal", "PayPal geïnformeerd (Art. 19)"))),
        Ending(2, "granted", None, "", (("webshop", "Account zonder bestellingen verwijderd"),
                                        ("customer_service", "Mailhistoriek klantendienst gewist"))),
        Ending(1, "refused", "no_ground", "Lopende bestelling en openstaande factuur: de gegevens zijn nog nodig; "
               "geen van de gronden is van toepassing." + GBA,
               (("invoicing", "Openstaande bestelling en factuur vastgesteld"),))),
    "restriction": (
        Ending(1, "granted", None, "", (("webshop", "Account gemarkeerd als beperkt: enkel opslag"),
                                        ("sisow", "Sisow op de hoogte gebracht (Art. 19)"),
                                        ("bpost", "Bpost op de hoogte gebracht (Art. 19)"))),),
    "objection": (
        Ending(4, "granted", None, "", (("mailchimp", "Uitgeschreven in Mailchimp (direct marketing)"),
                                        ("analytics", "Bezoeker uitgesloten van analyse"))),
        Ending(1, "partially_granted", "compelling_grounds", "Fraudecontrole op betalingen blijft: dwingende "
               "gerechtvaardigde gronden." + GBA,
               (("mailchimp", "Uitgeschreven in Mailchimp (direct marketing)"),
                ("paypal", "Fraudecontrole bij betaling behouden")))),
    "portability": (
        Ending(1, "granted", None, "", (("webshop", "Export in JSON en CSV gemaakt"),
                                        ("customer_service", "Export via beveiligde downloadlink bezorgd"))),),
    "consent_withdrawal": (
        Ending(5, "granted", None, "", (("mailchimp", "Uitgeschreven in Mailchimp"),
                                        ("analytics", "Toestemming voor analysecookies ingetrokken"))),
        Ending(1, "not_applicable", None, "Dit adres was niet ingeschreven op de nieuwsbrief.",
               (("mailchimp", "Gezocht in Mailchimp: niet ingeschreven"),))),
}
RIGHT_WEIGHTS = {"access": 25, "rectification": 10, "erasure": 25, "restriction": 4, "objection": 10,
                 "portability": 6, "consent_withdrawal": 20}
CHANNEL_WEIGHTS = {"registered_letter": 35, "email": 55, "other": 10}
OPENERS = {"registered_letter": ("Geachte heer, mevrouw,", "Geachte,"), "email": ("Beste,", "Hallo,", "Goeiedag,"),
           "other": ("Bericht via het contactformulier op www.labelstudio.be:",
                     "Telefonisch aan de helpdesk gevraagd, genoteerd door de klantendienst:")}
CLOSERS = ("Met vriendelijke groeten,", "Alvast bedankt,", "Hoogachtend,")
ASK_NOTES = ("Bestelnummer en leveringspostcode gevraagd.",
             "Gevraagd het verzoek te bevestigen vanaf het e-mailadres van het klantaccount.",
             "Verduidelijking gevraagd: over welk account en welke bestellingen gaat het?")
METHODS = (("account", "Komt overeen met het e-mailadres van het klantaccount"),  # the identity ladder, lightest first
           ("knowledge", "Bestelnummer en leveringspostcode komen overeen"),
           ("knowledge", "Antwoord kwam van het e-mailadres van het klantaccount"))
EXTEND_REASONS = ("Complex verzoek: gegevens uit webshop, facturatie, PayPal, Bpost en Mailchimp samen te brengen.",
                  "Groot aantal verzoeken na de nieuwsbriefcampagne; verzoeker per e-mail verwittigd.")
CLOSE_NOTES = {
    "withdrawn": ("Verzoeker liet per e-mail weten dat het verzoek vervalt: opgelost via de klantendienst.",
                  "Verzoeker heeft zijn gegevens zelf aangepast in het klantaccount en trekt het verzoek in."),
    "refused": ("Kennelijk ongegrond: zesde identiek verzoek in twee maanden (Art. 12(5)).",),
    "closed_unverified": ("Geen identiteitsbewijs ontvangen binnen 30 dagen na ons verzoek; dossier gesloten.",),
}
# How a case's story ends: (key, final status, weight, min and max age in days, ask identity?, extend?).
Fate = namedtuple("Fate", "key status weight min_age max_age ask extend")
FATES = (Fate("new", "new", 3, 0, 4, 0, 0), Fate("awaiting", "awaiting_identity", 4, 2, 45, 1, 0),
         Fate("working", "in_progress", 6, 2, 24, .4, 0), Fate("extended", "in_progress", 3, 26, 80, .4, 1),
         Fate("overdue", "in_progress", 2, 40, 90, 0, 0), Fate("resolved", "resolved", 14, 21, 120, .4, .15),
         Fate("refused", "refused", 2, 12, 120, 0, 0), Fate("withdrawn", "withdrawn", 2, 14, 120, .4, 0),
         Fate("unverified", "closed_unverified", 2, 38, 120, 1, 0))
Plan = namedtuple("Plan", "fate channel received_on logged_on rights name email address customer text")


def _slug(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def _plan(rng: random.Random, i: int, today: date) -> Plan:
    """One request as it arrived; the first cases cycle through fates, channels and rights so all occur."""
    fate = FATES[i] if i < len(FATES) else rng.choices(FATES, [f.weight for f in FATES])[0]
    channel = list(CHANNEL_WEIGHTS)[i] if i < 3 else rng.choices(*zip(*CHANNEL_WEIGHTS.items()))[0]
    first = list(RIGHT_WEIGHTS)[i] if i < 7 else rng.choices(*zip(*RIGHT_WEIGHTS.items()))[0]
    rights = [first] + rng.sample([r for r in RIGHT_WEIGHTS if r != first], rng.choice((0, 0, 0, 1, 1, 2)))
    received = today - timedelta(days=rng.randint(fate.min_age, fate.max_age))
    logged = min(today, deadlines.roll(received) + timedelta(days=rng.randint(0, 1)))
    given, family = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    name = f"{given} {family}"
    email = f"{_slug(given)}.{_slug(family)}{rng.choice(('', '', rng.randint(1, 99)))}@{rng.choice(DOMAINS)}"
    address = f"{rng.choice(STREETS)} {rng.randint(1, 180)}\n{rng.choice(TOWNS)}"
    keep_email, keep_address = {"email": (1, .4), "registered_letter": (.5, 1), "other": (.7, .8)}[channel]
    email = email if rng.random() < keep_email else None
    address = address if rng.random() < keep_address or not email else None
    customer = f"LS{rng.randint(10000, 99999)}" if rng.random() < .6 else None
    body = " ".join(rng.choice(REQUEST_TEXTS[r]) for r in rights)
    text = f"{rng.choice(OPENERS[channel])}\n\n{body}\n\n{rng.choice(CLOSERS)}\n{name}"
    return Plan(fate, channel, received, logged, rights, name, email, address, customer, text)


class _Stamper:
    """The story's clock: each step happens at office hours on its day, after the previous step, never past now."""

    def __init__(self, rng, today):
        self.rng, self.moment = rng, None
        self.limit = min(clock.now(), datetime.combine(today, time(23, 59), clock.BRUSSELS))

    def at(self, day: date) -> date:
        """Move the story's clock to office hours on `day`, after the previous step, never past now."""
        start = datetime.combine(day, time(8, 30), clock.BRUSSELS)
        moment = start + min(timedelta(hours=8), max(timedelta(0), self.limit - start)) * self.rng.random()
        if self.moment and self.moment >= moment:  # a later step on the same day
            moment = self.moment + min(timedelta(minutes=self.rng.randint(2, 40)), (self.limit - self.moment) / 2)
        self.moment = min(self.limit, moment)
        return day


def _replay(plan: Plan, staff: list, rng: random.Random, today: date, stamp: _Stamper):
    """Tell one case's story through the services, each step on its own (past) day."""
    stamp.moment = None
    fate, day = plan.fate, stamp.at(plan.logged_on)
    if fate.status == "refused" and not any("manifestly_unfounded" in REFUSAL_CODES_FOR[r] for r in plan.rights):
        fate = fate._replace(status="withdrawn")  # withdrawing consent alone is never refused (Art. 7(3))
    assignee = None if fate.key == "new" and rng.random() < .5 else rng.choice(staff)
    actor = assignee or staff[0]
    case = svc.open_case(actor=rng.choice(staff), notify=False, form_token=f"{DEMO_TOKEN}{uuid.uuid4().hex}",
                         channel=plan.channel, received_on=plan.received_on,
                         requester_name=plan.name, rights=plan.rights, requester_email=plan.email,
                         requester_address=plan.address, customer_number=plan.customer, request_text=plan.text,
                         assignee_id=assignee.id if assignee else None, today=day, now=stamp.moment)

    def later(lo, hi):
        return stamp.at(min(today, day + timedelta(days=rng.randint(lo, hi))))

    if fate.status == "new":
        return case
    if rng.random() < fate.ask:
        day = later(0, 3)
        svc.request_identity(case, actor=actor, note=rng.choice(ASK_NOTES), today=day, now=stamp.moment)
        correspondence.send_as_drafted(case, "identity_request", actor=actor, today=day, now=stamp.moment,
                                       delivered=True)  # demo history: it went out back then, never for real
        if fate.status in ("awaiting_identity", "closed_unverified"):
            if fate.status == "closed_unverified":
                day = later(31, 40)
                svc.close(case, actor=actor, status=fate.status, note=CLOSE_NOTES[fate.status][0], today=day, now=stamp.moment)
            return case
        day = later(2, 12)
        check, method = rng.choice(METHODS[1:])
        svc.record_identity(case, actor=actor, check=check, method=method, today=day, now=stamp.moment)
    elif fate.status not in ("refused", "withdrawn"):
        day = later(0, 2)
        check, method = METHODS[0] if plan.email else METHODS[1]
        svc.record_identity(case, actor=actor, check=check, method=method, today=day, now=stamp.moment)
    if fate.status in ("refused", "withdrawn"):
        day = later(1, 10)
        for right in case.rights if fate.status == "refused" else ():
            if "manifestly_unfounded" in REFUSAL_CODES_FOR[right.right]:
                resolution.set_outcome(case, right.id, actor=actor, outcome="refused", refusal_code="manifestly_unfounded",
                                reason=CLOSE_NOTES["refused"][0] + GBA, now=stamp.moment)
            else:  # a withdrawal of consent is never refused: nothing to stop for a request made in bad faith
                resolution.set_outcome(case, right.id, actor=actor, outcome="not_applicable",
                                reason="Geen verwerking op basis van toestemming gevonden.", now=stamp.moment)
        if fate.status == "refused":
            _send_answer(case, actor, day, stamp.moment)
        svc.close(case, actor=actor, status=fate.status, note=rng.choice(CLOSE_NOTES[fate.status]),
                  today=day, now=stamp.moment)
        return case
    if rng.random() < fate.extend and day <= case.original_deadline(day):
        day = stamp.at(min(today, day + timedelta(days=rng.randint(1, 6)), case.original_deadline(day)))
        svc.extend(case, actor=actor, reason=rng.choice(EXTEND_REASONS), today=day, now=stamp.moment)
        correspondence.send_as_drafted(case, "extension_notice", actor=actor, today=day, now=stamp.moment,
                                       delivered=True)
    endings = {r.right: rng.choices(ENDINGS[r.right], [e.weight for e in ENDINGS[r.right]])[0] for r in case.rights}
    total = sum(len(ending.actions) for ending in endings.values())
    budget = rng.randint(0, total - 1) if fate.status == "in_progress" else total  # work left undone
    for right in case.rights:
        ending = endings[right.right]
        for system, what in ending.actions:
            if budget == 0:
                break
            budget, day = budget - 1, later(0, 4)
            resolution.record_action(case, right.id, actor=actor, system=system, description=what, today=day, now=stamp.moment)
        else:  # every action for this right is done: work its checklist, then decide it
            if ending.outcome in DISCLOSING_OUTCOMES:
                _work_checklist(case, right, actor, rng, later(0, 2), stamp.moment, ending.outcome)
            resolution.set_outcome(case, right.id, actor=actor, outcome=ending.outcome,
                            refusal_code=ending.refusal_code, reason=ending.reason, now=stamp.moment)
    if fate.status == "resolved":
        day = later(0, 2)
        _send_answer(case, actor, day, stamp.moment)
        svc.close(case, actor=actor, status="resolved", today=day,
                  note="Antwoord aangetekend verstuurd." if plan.channel == "registered_letter" else "", now=stamp.moment)
    return case


def _send_answer(case, actor, day, now):
    """The answer as drafted, with the exported data where it gives a copy; recorded as gone out back then."""
    if correspondence.sends_copy(case):
        export = f'{{"klant": "{case.requester_name}", "bestellingen": []}}\n'.encode()
        packages.add_files(case, [("webshop-export.json", io.BytesIO(export))], actor=actor, now=now)
    correspondence.send_as_drafted(case, "answer", actor=actor, today=day, now=now, delivered=True)


def _work_checklist(case, right, actor, rng, day, now, outcome=None):
    """Tick each open checklist line; a newsletter line is sometimes not applicable (not subscribed), and
    nothing is kept back (no invoices) for a right that ends fully granted."""
    for item, action in checklist.state(right):
        if action is None:
            if item.keeps_data and outcome == "granted":
                na, note = True, ("De verbetering raakt geen facturen." if right.right == "rectification"
                                  else "Geen facturen: de klant heeft nooit iets besteld.")
            else:
                na = item.system == "mailchimp" and rng.random() < .5
                note = "Niet ingeschreven op de nieuwsbrief." if na else ""
            resolution.record_action(case, right.id, actor=actor, system=item.system, description=item.nl,
                              checklist_item=item.key, not_applicable=na, note=note, today=day, now=now)


def _staff(echo) -> list:
    """The active staff as actors; on an empty installation, three demo accounts (passwords printed once)."""
    users = list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.email)))
    if users:
        echo(f"Using {len(users)} existing staff account(s) as case handlers.")
        return users
    for email, name, admin in DEMO_STAFF:
        password = secrets.token_urlsafe(12)  # 16 random characters: passes the password rule
        users.append(user_service.create_user(email=email, name=name, password=password, is_admin=admin))
        echo(f"Created demo {'administrator' if admin else 'staff member'} {name} <{email}>, password: {password}")
    return users


def seed_cases(count: int, *, seed: int, today: date, echo=print) -> list:
    """Create `count` cases received in the 120 days up to `today`, oldest first; return them."""
    rng = random.Random(seed)  # nosec B311  # repeatable demo data, not security
    staff = _staff(echo)
    plans = sorted((_plan(rng, i, today) for i in range(count)), key=lambda p: (p.logged_on, p.received_on))
    stamp = _Stamper(rng, today)
    cases = [_replay(plan, staff, rng, today, stamp) for plan in plans]
    _escalate_quietly(cases, today, at=stamp.limit)
    return cases


def _escalate_quietly(cases: list, today: date, at: datetime) -> None:
    """Put the demo cases on their rung of the ladder at once, as the daily job would have, without mailing anyone:
    the day's escalate run may already have happened before the demo was seeded."""
    from caseflow.open_cases import level_of
    from caseflow.services import audit

    for case in cases:
        level = level_of(case, today) if case.is_open else None
        if level and case.escalation_level != level:
            audit(case, None, "escalated", before=case.escalation_level, after=level, at=at)
            case.escalation_level, case.escalated_on = level, today
    db.session.commit()


def real_case_count() -> int:
    """Cases not made by `demo seed`."""
    return db.session.scalar(select(func.count(Case.id)).where(
        or_(Case.form_token.is_(None), Case.form_token.not_like(f"{DEMO_TOKEN}%"))))


demo_cli = AppGroup("demo", help="Demo data for trying Caseflow out.")
BULK_FROM = 500  # more cases than this are written in bulk instead of replayed through the services


@demo_cli.command("seed")
@click.option("--cases", "count", type=click.IntRange(1, 1_000_000), default=40, show_default=True,
              help=f"How many; above {BULK_FROM} written in bulk over five years (caseflow/demo_scale.py).")
@click.option("--seed", "seed_value", type=int, help="Random seed; the same seed (and day) gives the same cases.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Replay up to this day (default: today, Brussels).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds cases (make demo).")
@click.option("--force", is_flag=True, help="Add demo cases even to a database with real cases (never do this).")
def seed_command(count, seed_value, today, if_empty, force):
    """Fill the register with realistic demo cases; each run adds more (it never deletes anything).

    Demo cases belong in a demo database (`make demo`: instance/demo.sqlite), never in the real register:
    on a database with real cases this refuses, unless --force.
    """
    total = db.session.scalar(select(func.count(Case.id)))
    if if_empty and total:
        click.echo(f"The database already holds {total} cases: nothing added.")
        return
    real = real_case_count()
    if real and not force:
        raise click.ClickException(
            f"this database holds {real} real (non-demo) cases: demo cases would mix into the real register. "
            "Use a separate demo database (make demo), or --force.")
    today = today.date() if today else clock.today()
    if today > clock.today():
        raise click.BadParameter("cannot be in the future", param_hint="--today")
    seed_value = secrets.randbelow(100_000) if seed_value is None else seed_value
    if count > BULK_FROM:
        from caseflow.demo_scale import seed_bulk

        statuses = seed_bulk(count, seed=seed_value, today=today, staff=_staff(click.echo), echo=click.echo)
        click.echo(f"Created {count} demo cases in bulk (seed {seed_value}, today {today}).")
        click.echo("  " + " · ".join(f"{key} {statuses.get(key, 0)}" for key in STATUSES))
        return
    try:
        cases = seed_cases(count, seed=seed_value, today=today, echo=click.echo)
    except ServiceError as error:
        raise click.ClickException(f"a demo case broke a rule: {error.message}") from None
    statuses = Counter(c.status for c in cases)
    refs = sorted(c.reference for c in cases)
    click.echo(f"Created {len(cases)} demo cases {refs[0]} … {refs[-1]} (seed {seed_value}, today {today}).")
    click.echo("  " + " · ".join(f"{key} {statuses[key]}" for key in STATUSES))
    click.echo(f"  overdue {sum(c.is_open and not c.is_suspended and c.days_left(today) < 0 for c in cases)} · "
               f"extended {sum(c.extended for c in cases)} · waiting for identity over 30 days "
               f"{sum(c.is_suspended and (today - c.identity_requested_on).days > 30 for c in cases)}")
