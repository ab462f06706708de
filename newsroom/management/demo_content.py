# ruff: noqa: E501
"""
The demo content that ``manage.py seed_demo`` loads (the articles are in
``demo_articles``).

Everything here is fiction written for this project: Castelvero is an invented
small town on the invented Lirone stream, and every person, club, shop and
website named below is made up (web addresses use the reserved ``.example``
domain). Article text is content, in Italian, like what the newsroom's editors
write; it is not part of the translation catalogue.

Dates are relative to the moment the command runs: ``days_ago`` for published
articles, ``days_ahead`` for the scheduled one.
"""

CATEGORIES = [
    {
        "slug": "politica",
        "name": "Politica",
        "position": 10,
        "description": "Comune, giunta, consiglio e tutto ciò che si decide in "
        "municipio.",
    },
    {
        "slug": "consiglio-comunale",
        "name": "Consiglio comunale",
        "parent": "politica",
        "position": 11,
        "description": "Le sedute, i voti e gli scontri dell'aula di Castelvero.",
    },
    {
        "slug": "cultura",
        "name": "Cultura",
        "position": 20,
        "description": "Feste, libri, musica, teatro e le persone che li fanno.",
    },
    {
        "slug": "sport",
        "name": "Sport",
        "position": 30,
        "description": "Le squadre e gli atleti della valle, dai campetti alle gare.",
    },
    {
        "slug": "calcio",
        "name": "Calcio",
        "parent": "sport",
        "position": 31,
        "description": "Atletico Castelvero, giovanili e dilettanti della valle.",
    },
    {
        "slug": "ambiente",
        "name": "Ambiente",
        "position": 40,
        "description": "Il Lirone, l'acqua, l'aria, i rifiuti e il territorio.",
    },
    {
        "slug": "economia",
        "name": "Economia",
        "position": 50,
        "description": "Negozi, aziende agricole, lavoro e commercio.",
    },
]

TAGS = [
    ("bilancio", "bilancio"),
    ("scuola", "scuola"),
    ("mobilita", "mobilità"),
    ("lirone", "Lirone"),
    ("festival", "festival"),
    ("turismo", "turismo"),
    ("volontariato", "volontariato"),
    ("commercio", "commercio"),
    ("centro-storico", "centro storico"),
    ("agricoltura", "agricoltura"),
    ("atletico-castelvero", "Atletico Castelvero"),
]

# One account per role. ``group`` is the name of the role's group, created by
# migrations elsewhere and by get_or_create here.
USERS = [
    {
        "username": "admin",
        "role": "administrator",
        "superuser": True,
        "first_name": "",
        "last_name": "",
        "email": "admin@example.com",
    },
    {
        "username": "editor",
        "role": "editor",
        "group": "Editor",
        "first_name": "Marco",
        "last_name": "Ferrante",
        "email": "editor@example.com",
        "profile": {
            "display_name": "Marco Ferrante",
            "bio": "Caporedattore. Ha cominciato trent'anni fa scrivendo di calcio "
            "dilettanti e da allora non ha più perso una seduta del consiglio "
            "comunale. Si occupa di politica locale e bilanci pubblici.",
        },
    },
    {
        "username": "journalist",
        "role": "journalist",
        "group": "Journalist",
        "first_name": "Chiara",
        "last_name": "Benedetti",
        "email": "journalist@example.com",
        "profile": {
            "display_name": "Chiara Benedetti",
            "bio": "Cronista. Nata sulle rive del Lirone, segue ambiente, "
            "economia e vita di quartiere. Preferisce le storie che si "
            "raccontano camminando, taccuino in tasca.",
        },
    },
    {
        "username": "moderator",
        "role": "moderator",
        "group": "Moderator",
        "first_name": "Paola",
        "last_name": "Gatti",
        "email": "moderator@example.com",
    },
]

# Readers' comments, created directly in the state they would reach through
# the moderation pipeline. ``events`` lists what led there after the comment was
# received: (from status, to status, event kind, actor username, parameters).
# ``held`` is why a comment was held, if it was. Both are worded in the command,
# with the same translatable strings as comments/moderation.py and checks.py.
COMMENTS = [
    {
        "key": "scuola-rodari",
        "article": "bilancio-approvato-dopo-sei-ore-di-consiglio",
        "author_name": "Giorgio Pedretti",
        "author_email": "giorgio.pedretti@example.org",
        "body": "Finalmente qualcuno si ricorda della Rodari. Mia figlia ha passato "
        "metà dell'anno in un'aula con il secchio sotto la finestra.\n\n"
        "Spero solo che i lavori partano davvero a giugno e non a ottobre, "
        "come è successo con la palestra.",
        "status": "approved",
        "verdict": "ham",
        "hours_after": 3,
        "events": [("pending", "approved", "ham", None, {})],
    },
    {
        "key": "scuola-rodari-risposta",
        "parent": "scuola-rodari",
        "article": "bilancio-approvato-dopo-sei-ore-di-consiglio",
        "user": "journalist",
        "author_name": "Chiara Benedetti",
        "author_email": "journalist@example.com",
        "body": "Grazie per la testimonianza, Giorgio. Abbiamo chiesto "
        "all'assessore Crestani il calendario dei cantieri: lo pubblicheremo "
        "appena arriva.",
        "status": "approved",
        "verdict": "ham",
        "hours_after": 5,
        "events": [("pending", "approved", "ham", None, {})],
    },
    {
        "key": "scuola-rodari-risposta-2",
        "parent": "scuola-rodari-risposta",
        "article": "bilancio-approvato-dopo-sei-ore-di-consiglio",
        "author_name": "Giorgio Pedretti",
        "author_email": "giorgio.pedretti@example.org",
        "body": "Grazie a voi. Aspetto l'articolo, e come me tutti i genitori "
        "della terza B.",
        "status": "approved",
        "verdict": "ham",
        "hours_after": 6,
        "events": [("pending", "approved", "ham", None, {})],
    },
    {
        "key": "parcheggi",
        "article": "bilancio-approvato-dopo-sei-ore-di-consiglio",
        "author_name": "Sara M.",
        "author_email": "sara.m@example.net",
        "body": "Un euro e trenta l'ora per parcheggiare in un paese di ottomila "
        "abitanti mi sembra tanto. La navetta del sabato va bene, ma chi lavora "
        "in centro tutti i giorni come fa?",
        "status": "approved",
        "verdict": "ham",
        "hours_after": 9,
        "held": ("held_first", {}),
        "events": [
            ("pending", "pending", "held_first", None, {}),
            ("pending", "approved", "approved_by", "moderator", {}),
        ],
    },
    {
        "key": "lanterne-ricordo",
        "article": "tornano-le-lanterne-in-piazza-del-mercato",
        "author_name": "Franca Rinaldi",
        "author_email": "franca.rinaldi@example.org",
        "body": "Io c'ero alla prima edizione: avevo dodici anni e la mia "
        "barchetta si è incagliata dopo due metri. Che bello che tornino!\n"
        "Mi segno per il turno di pulizia della domenica.",
        "status": "approved",
        "verdict": "ham",
        "hours_after": 2,
        "events": [("pending", "approved", "ham", None, {})],
    },
    {
        "key": "lanterne-foto",
        "article": "tornano-le-lanterne-in-piazza-del-mercato",
        "author_name": "Luca Ferri",
        "author_email": "luca.ferri@example.net",
        "author_url": "https://foto.example.net/",
        "body": "Per chi vuole vedere com'erano le vecchie edizioni ho caricato "
        "un po' di foto qui: https://foto.example.net/lanterne-1998 e qui: "
        "https://foto.example.net/lanterne-2003\n\nSe qualcuno si riconosce mi "
        "scriva!",
        "status": "pending",
        "verdict": "ham",
        "held": ("held_links", {"count": 2}),
        "hours_after": 20,
        "events": [("pending", "pending", "held_links", None, {"count": 2})],
    },
    {
        "key": "lirone-pozzi",
        "article": "lirone-in-secca-patto-sull-acqua",
        "author_name": "Marco Villa",
        "author_email": "m.villa@example.com",
        "body": "E i pozzi privati nella piana chi li controlla? Si parla sempre "
        "del consorzio, ma secondo me metà dell'acqua se ne va da lì.",
        "status": "pending",
        "check_state": "off",
        "held": ("checking_off", {}),
        "hours_after": 30,
        "events": [("pending", "pending", "checking_off", None, {})],
    },
    {
        "key": "lirone-spam",
        "article": "lirone-in-secca-patto-sull-acqua",
        "author_name": "Lavoro Da Casa Subito",
        "author_email": "offerte@guadagni-facili.example.com",
        "author_url": "https://guadagni-facili.example.com/",
        "body": "Guadagna fino a 3.000 euro al mese lavorando da casa solo due ore "
        "al giorno!!! Nessuna esperienza richiesta, iscriviti subito su "
        "https://guadagni-facili.example.com",
        "status": "spam",
        "verdict": "spam",
        "hours_after": 40,
        "events": [("pending", "spam", "spam", None, {})],
    },
    {
        "key": "derby-bellini",
        "article": "atletico-castelvero-vince-il-derby-con-la-pieve",
        "author_name": "Davide R.",
        "author_email": "davide.r@example.org",
        "body": "Il rigore parato da Bellini vale quanto il gol di Brambilla. Che "
        "ragazzo! Domenica tutti a Sant'Anselmo.",
        "status": "approved",
        "verdict": "ham",
        "hours_after": 1,
        "events": [("pending", "approved", "ham", None, {})],
    },
    {
        "key": "derby-insulti",
        "article": "atletico-castelvero-vince-il-derby-con-la-pieve",
        "author_name": "Tifoso della Pieve",
        "author_email": "tifoso.pieve@example.net",
        "body": "Arbitro comprato e pubblico di cafoni, come sempre a Castelvero. "
        "Vergognatevi.",
        "status": "trash",
        "verdict": "ham",
        "hours_after": 2,
        "events": [
            ("pending", "approved", "ham", None, {}),
            ("approved", "trash", "trashed_by", "moderator", {}),
        ],
    },
    {
        "key": "derby-scommesse",
        "article": "atletico-castelvero-vince-il-derby-con-la-pieve",
        "author_name": "Pronostici VIP",
        "author_email": "vip@pronostici-sicuri.example.com",
        "author_url": "https://pronostici-sicuri.example.com/",
        "body": "Pronostici sicuri al 100% per la Prima categoria, vinci ogni "
        "settimana: https://pronostici-sicuri.example.com/vip",
        "status": "spam",
        "verdict": "discard",
        "hours_after": 4,
        "events": [("pending", "spam", "discard", None, {})],
    },
    {
        "key": "merceria-ricordo",
        "article": "chiude-la-merceria-bonfanti",
        "author_name": "Rosanna",
        "author_email": "rosanna.b@example.org",
        "body": "Da bambina andavo a comprare i bottoni con mia nonna, e la "
        "signora Lucia mi lasciava sempre scegliere una caramella dal barattolo "
        "sul bancone. Buona pensione!",
        "status": "approved",
        "verdict": "ham",
        "hours_after": 6,
        "events": [("pending", "approved", "ham", None, {})],
    },
]
