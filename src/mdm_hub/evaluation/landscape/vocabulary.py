"""Words the generated firm is made of: people's names by language, places by country, and what
consulting projects are called. Data only."""

from __future__ import annotations

GIVEN_NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "James", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
        "Christopher", "Daniel", "Matthew", "Anthony", "Andrew", "Joshua", "Kenneth", "Steven",
        "Edward", "Benjamin", "Samuel", "Jonathan", "Oliver", "Harry", "Alistair", "Rhys",
        "Mary", "Patricia", "Jennifer", "Elizabeth", "Susan", "Jessica", "Sarah", "Karen",
        "Margaret", "Katherine", "Rebecca", "Emily", "Abigail", "Victoria", "Alexandra",
        "Christine", "Deborah", "Samantha", "Jacqueline", "Olivia", "Charlotte", "Fiona",
        "Siobhan", "Priya",
    ),
    "de": (
        "Thomas", "Michael", "Andreas", "Stefan", "Christian", "Matthias", "Jürgen", "Jörg",
        "Klaus", "Sebastian", "Lukas", "Maximilian", "Tobias", "Florian", "Katharina", "Anna",
        "Julia", "Sabine", "Birgit", "Claudia", "Sophie", "Lena", "Franziska", "Ursula",
    ),
    "es": (
        "José", "María", "Antonio", "Carmen", "Manuel", "Ana", "Francisco", "Lucía", "David",
        "Laura", "Javier", "Marta", "Alejandro", "Elena", "Pablo", "Sofía", "Sergio",
        "Cristina", "Álvaro", "Nuria",
    ),
}  # fmt: skip
FAMILY_NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
        "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White",
        "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
        "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts",
        "Carter", "Phillips", "Evans", "Turner", "O'Brien", "McDonald", "Patel", "Nguyen", "Kim",
        "Chen", "Singh", "Davies", "Hughes", "Fitzgerald", "MacLeod", "Khan",
    ),
    "de": (
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
        "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
        "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange",
        "Weiß", "Groß", "von Bergen",
    ),
    "es": (
        "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
        "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz",
        "Álvarez", "Romero", "Navarro", "Torres",
    ),
}  # fmt: skip
# Names that more than one person in a firm of a few hundred is likely to carry.
COMMON_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("Michael", "Smith"), ("Sarah", "Johnson"), ("David", "Brown"), ("James", "Wilson")),
    "de": (("Thomas", "Müller"), ("Julia", "Schmidt")),
    "es": (("María", "García"), ("José", "Martínez")),
}

# (city, region, postcode pattern: # a digit, @ a capital letter), by country.
CITIES: dict[str, tuple[tuple[str, str | None, str], ...]] = {
    "US": (
        ("New York", "NY", "100##"), ("Chicago", "IL", "606##"), ("Boston", "MA", "021##"),
        ("Austin", "TX", "787##"), ("San Francisco", "CA", "941##"), ("Seattle", "WA", "981##"),
        ("Hoboken", "NJ", "07030"), ("Evanston", "IL", "602##"),
    ),
    "GB": (
        ("London", None, "EC2A #@@"), ("London", None, "SW1P #@@"), ("London", None, "W1T #@@"),
        ("Manchester", None, "M# #@@"), ("Leeds", None, "LS# #@@"), ("Bristol", None, "BS# #@@"),
    ),
    "DE": (
        ("Frankfurt am Main", "Hessen", "603##"), ("München", "Bayern", "80###"),
        ("Berlin", "Berlin", "10###"), ("Hamburg", "Hamburg", "20###"),
        ("Düsseldorf", "Nordrhein-Westfalen", "402##"), ("Köln", "Nordrhein-Westfalen", "50###"),
    ),
    "ES": (
        ("Madrid", "Madrid", "28###"), ("Barcelona", "Cataluña", "08###"),
        ("Valencia", "Valencia", "46###"),
    ),
    "FR": (("Paris", None, "750##"), ("Lyon", None, "6900#"), ("Lille", None, "590##")),
    "NL": (
        ("Amsterdam", None, "10## @@"), ("Rotterdam", None, "30## @@"),
        ("Utrecht", None, "35## @@"),
    ),
}  # fmt: skip
# Streets, and whether the house number comes first ("350 Fifth Avenue") or last.
STREETS: dict[str, tuple[bool, tuple[str, ...]]] = {
    "US": (True, ("Fifth Avenue", "Madison Avenue", "Main Street", "Market Street", "Broadway",
                  "Lake Shore Drive", "Congress Avenue", "Elm Street", "Maple Avenue")),
    "GB": (True, ("High Street", "King Street", "Victoria Road", "Church Lane", "Station Road",
                  "Old Broad Street")),
    "DE": (False, ("Hauptstraße", "Bahnhofstraße", "Goethestraße", "Schillerstraße",
                   "Lindenallee", "Friedrichstraße", "Mainzer Landstraße")),
    "ES": (False, ("Calle Mayor", "Calle de Alcalá", "Paseo de Gracia", "Avenida Diagonal",
                   "Gran Vía")),
    "FR": (True, ("Rue de Rivoli", "Boulevard Haussmann", "Rue du Faubourg Saint-Honoré",
                  "Avenue de l'Opéra")),
    "NL": (False, ("Keizersgracht", "Herengracht", "Damrak", "Coolsingel", "Oudegracht")),
}  # fmt: skip
# How people shorten street words when they type an address.
STREET_ABBREVIATIONS = {
    "Avenue": "Ave", "Street": "St.", "Road": "Rd", "Drive": "Dr.", "Lane": "Ln",
    "straße": "str.", "Boulevard": "Bd", "Calle": "C/",
}  # fmt: skip
# Phone prefixes (country calling code, area code) by city, and the digits that follow.
PHONE_AREAS: dict[str, tuple[str, tuple[str, ...], int]] = {
    "US": ("1", ("212", "312", "617", "512", "415", "206"), 7),
    "GB": ("44", ("20 7946", "161 496", "113 496", "117 496"), 4),
    "DE": ("49", ("69", "89", "30", "40", "211"), 7),
    "ES": ("34", ("91", "93", "96"), 7),
    "FR": ("33", ("1", "4", "3"), 8),
    "NL": ("31", ("20", "10", "30"), 7),
}
LANGUAGE = {"US": "en", "GB": "en", "DE": "de", "ES": "es", "FR": "fr", "NL": "nl"}
CURRENCY = {"US": "USD", "GB": "GBP", "DE": "EUR", "ES": "EUR", "FR": "EUR", "NL": "EUR"}
LEGAL_FORMS = {
    "US": ("Inc.", "LLC", "Corp."), "GB": ("Ltd", "plc", "Limited"), "DE": ("GmbH", "AG"),
    "FR": ("SAS", "S.A."), "NL": ("B.V.", "N.V."),
}  # fmt: skip
LONG_LEGAL_FORMS = {"Inc.": "Incorporated", "Corp.": "Corporation", "Ltd": "Limited"}
INDUSTRIES = {
    "Analytics": "Technology", "Advisory": "Consulting", "Logistics": "Transportation",
    "Engineering": "Engineering", "Pharmaceuticals": "Healthcare", "Software": "Technology",
    "Financial Services": "Financial Services", "Manufacturing": "Manufacturing",
    "Energy": "Energy", "Retail": "Retail", "Media": "Media", "Healthcare": "Healthcare",
    "Capital": "Financial Services", "Foods": "Food & Beverage", "Industries": "Manufacturing",
    "Holdings": "Financial Services",
}  # fmt: skip
SECTORS = tuple(sector for sector in INDUSTRIES if sector != "Holdings")
# How systems shorten words in company and project names.
NAME_ABBREVIATIONS = {
    "Holdings": "Hldgs", "International": "Intl", "Financial Services": "Fin Svcs",
    "Manufacturing": "Mfg", "Pharmaceuticals": "Pharma", "Engineering": "Eng.",
    "Transformation": "Transf.", "Management": "Mgmt", "Program": "Prog.",
}  # fmt: skip

PROJECT_NAMES = (
    "Finance Transformation", "ERP Selection", "Cloud Migration", "Cost Reduction Program",
    "Data Platform Build", "Cyber Maturity Assessment", "Operating Model Redesign",
    "Post-Merger Integration", "S/4HANA Rollout", "Pricing Strategy", "Supply Chain Review",
    "Procurement Excellence", "Risk Management Framework", "HR Systems Implementation",
    "Customer Analytics", "Digital Strategy", "Treasury Optimisation", "IFRS 17 Readiness",
    "Shared Services Design", "Salesforce Implementation", "Workforce Planning",
    "Close & Consolidation", "Data Governance", "Zero Trust Roadmap",
)  # fmt: skip
