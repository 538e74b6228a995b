"""The demo's made-up people, requests and endings, shared by the replayed seed (seed.py) and the bulk seed (bulk.py)."""
import unicodedata
from collections import namedtuple

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


def slug(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")
