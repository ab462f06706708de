# Article bodies are prose, one paragraph per line.
# ruff: noqa: E501
"""
The demo articles that ``manage.py seed_demo`` loads: fiction written for this
project, like the rest of ``demo_content``. Article text is content, in Italian,
as the newsroom's editors write it; it is not part of the translation catalogue.
``days_ago`` dates a published article, ``days_ahead`` the scheduled one.
"""

ARTICLES = [
    {
        "slug": "bilancio-approvato-dopo-sei-ore-di-consiglio",
        "title": "Bilancio approvato dopo sei ore di consiglio: più fondi a scuole "
        "e strade",
        "standfirst": "Quattordici voti a favore e sette contrari. La giunta Morandi "
        "sposta un milione e duecentomila euro su asfalti ed edifici scolastici; "
        "l'opposizione contesta il rincaro dei parcheggi in centro.",
        "author": "editor",
        "byline": "",
        "categories": ["consiglio-comunale"],
        "tags": ["bilancio", "scuola", "mobilita"],
        "status": "published",
        "days_ago": 2,
        "time": (7, 45),
        "image": {
            "colours": ((24, 54, 99), (151, 42, 52)),
            "alt": "Illustrazione grafica blu e rossa con il titolo dell'articolo "
            "sul bilancio comunale.",
            "caption": "La sala del consiglio comunale si è svuotata solo dopo "
            "l'una di notte.",
        },
        "body": """
<p>Si è chiusa poco dopo l'una di notte, con l'aula ormai mezza vuota e il termos del caffè esaurito da ore, la seduta del consiglio comunale di Castelvero dedicata al bilancio di previsione. Il documento è passato con quattordici voti favorevoli e sette contrari: ha votato compatta la maggioranza civica, mentre le due liste di opposizione hanno respinto il testo dopo aver visto bocciati quasi tutti i loro emendamenti.</p>
<p>La sindaca Elena Morandi ha parlato di «un bilancio prudente ma non timido», rivendicando la scelta di non toccare l'addizionale comunale e di concentrare le risorse su ciò che, a suo dire, i cittadini chiedono da anni: strade senza buche e scuole che non si allaghino al primo temporale.</p>
<h2>Dove vanno i soldi</h2>
<p>La voce più consistente riguarda la manutenzione straordinaria. Un milione e duecentomila euro, coperti in parte da un mutuo trentennale e in parte dall'avanzo degli anni precedenti, saranno distribuiti così:</p>
<ul>
<li>480 mila euro per il nuovo asfalto in via dei Tessitori, in via Roma alta e sulla strada che sale alla frazione di Poggio Alto;</li>
<li>390 mila euro per il tetto e gli infissi della scuola primaria «Gianni Rodari», dove due aule sono chiuse da novembre per infiltrazioni;</li>
<li>210 mila euro per l'illuminazione a led dei parchi pubblici;</li>
<li>120 mila euro per mettere in sicurezza il muro di contenimento lungo il Lirone, in località Mulino Vecchio.</li>
</ul>
<p>L'assessore ai lavori pubblici, Paolo Crestani, ha spiegato che i cantieri delle scuole partiranno con la fine delle lezioni, «così da non spostare i bambini un'altra volta». Per le strade, invece, il calendario dipenderà dalla gara d'appalto, che il Comune conta di pubblicare entro la primavera.</p>
<h2>Lo scontro sui parcheggi</h2>
<p>Il punto più acceso della serata è stato l'aumento della sosta a pagamento in centro, che passa da un euro a un euro e trenta l'ora, con le strisce blu estese anche a piazza della Pieve. La consigliera di minoranza Sara Locatelli ha definito la misura «una tassa sui commercianti travestita da politica della mobilità», ricordando che nel centro storico hanno chiuso quattro negozi in un anno.</p>
<blockquote><p>«Chi viene da fuori per fare la spesa in via Roma adesso sceglierà il centro commerciale sulla provinciale. Non è così che si aiuta il cuore del paese.»</p></blockquote>
<p>La replica della giunta è arrivata dall'assessore al bilancio, Davide Ruggeri: gli incassi aggiuntivi, stimati in circa novantamila euro l'anno, saranno vincolati alla navetta gratuita che dal parcheggio della stazione porterà in centro il sabato e nei giorni di mercato. «Chi lascia l'auto fuori paga zero», ha detto Ruggeri, «chi la vuole davanti al negozio paga un po' di più. Mi sembra un equilibrio ragionevole.»</p>
<h3>Gli emendamenti approvati</h3>
<p>Dei ventidue emendamenti presentati dall'opposizione ne sono passati soltanto due: uno aumenta di quindicimila euro il fondo per i centri estivi, l'altro impegna la giunta a presentare entro sei mesi uno studio sul trasporto scolastico nelle frazioni. Respinta invece la proposta di dimezzare le indennità di sindaca e assessori per finanziare borse di studio, che nei giorni precedenti aveva animato il dibattito in paese.</p>
<h2>I prossimi passi</h2>
<p>Il bilancio dovrà ora essere trasmesso alla Regione entro la fine del mese. Il testo completo, con le tabelle per capitolo di spesa, è consultabile sul <a href="https://www.comune.castelvero.example/bilancio">sito del Comune</a>. La prossima seduta del consiglio, in calendario tra tre settimane, sarà dedicata al nuovo regolamento per i tavolini all'aperto di bar e ristoranti: un tema che in paese promette di dividere quanto i parcheggi.</p>
""",
    },
    {
        "slug": "tornano-le-lanterne-in-piazza-del-mercato",
        "title": "Tornano le Lanterne: tre sere di festa in piazza del Mercato dopo "
        "tre anni di buio",
        "standfirst": "Il festival nato negli anni Novanta riparte con un programma "
        "più corto e più curato: musica, burattini e le barchette illuminate sul "
        "Lirone. A rimetterlo in piedi sono stati cento volontari.",
        "author": "journalist",
        "byline": "",
        "categories": ["cultura"],
        "tags": ["festival", "turismo", "volontariato"],
        "status": "published",
        "days_ago": 5,
        "time": (10, 30),
        "image": {
            "colours": ((233, 140, 38), (74, 30, 92)),
            "alt": "Illustrazione grafica arancione e viola con il titolo "
            "dell'articolo sul festival delle Lanterne.",
            "caption": "Le lanterne di carta tornano ad accendere la piazza del "
            "Mercato.",
        },
        "body": """
<p>Per tre anni, nelle sere di fine estate, la piazza del Mercato è rimasta buia. Ora le Lanterne tornano: il festival che dagli anni Novanta chiude la stagione di Castelvero con luci di carta, musica e una processione di barchette illuminate sul Lirone ripartirà l'ultimo fine settimana del mese, dopo una pausa dovuta prima ai costi e poi alle dimissioni in blocco del vecchio direttivo della pro loco.</p>
<p>A rimettere insieme i pezzi è stata Giovanna Pellegrini, insegnante di musica in pensione, eletta presidente della pro loco la primavera scorsa con un mandato molto semplice: «Riportare la gente in piazza senza indebitarsi». Il risultato è un festival più corto, tre sere invece di cinque, con un programma che la nuova direzione definisce «fatto in casa, nel senso migliore del termine».</p>
<h2>Il programma delle tre serate</h2>
<p>Si comincia il venerdì con il concerto della banda cittadina, che per l'occasione ha preparato un repertorio di colonne sonore, seguito da un palco aperto ai gruppi giovanili della valle. Il sabato pomeriggio è dedicato ai bambini: nel cortile della scuola Rodari la compagnia Teatro del Sasso porterà uno spettacolo di burattini, mentre sotto i portici i ragazzi del laboratorio di carta costruiranno le lanterne che verranno accese la sera.</p>
<p>La domenica, come da tradizione, arriva il momento più atteso. Al tramonto le barchette di legno e carta, ciascuna con il suo lumino, verranno affidate alla corrente del Lirone all'altezza del ponte vecchio. Quest'anno saranno al massimo trecento, costruite soltanto con materiali biodegradabili e recuperate a valle dai volontari del gruppo canoe.</p>
<h3>Meno stand, più tavolate</h3>
<p>Una delle novità riguarda la cucina. Al posto dei dodici stand gastronomici delle ultime edizioni ci saranno due sole cucine, gestite dalla parrocchia e dal circolo degli alpini, e lunghe tavolate comuni lungo via Garibaldi. «Volevamo che le persone si sedessero vicine, non che facessero la coda», spiega Pellegrini. I prezzi saranno fissati in anticipo e pubblicati sulla pagina del festival, con un menu per bambini a cinque euro.</p>
<h2>Cento volontari e un bilancio in pareggio</h2>
<p>Il festival costerà circa trentottomila euro, meno della metà di quanto spendeva la vecchia gestione. Il Comune contribuisce con dodicimila euro e con i permessi gratuiti per l'occupazione del suolo pubblico; il resto arriva da una ventina di sponsor locali, quasi tutti artigiani e negozi del centro, e dagli incassi delle cucine.</p>
<p>Il vero capitale, però, sono le persone. Alla prima riunione organizzativa, a marzo, si erano presentati in quindici; oggi l'elenco dei volontari conta più di cento nomi, dai liceali che gestiranno il servizio d'ordine ai pensionati che da settimane ritagliano carta velina nella sede della pro loco.</p>
<blockquote><p>«Mi ha colpito quanta gente ci ha fermato per strada per chiedere come dare una mano. Le Lanterne mancavano a tutti, non solo a noi.»</p></blockquote>
<p>Chi vuole partecipare può ancora iscriversi con il modulo sul <a href="https://prolococastelvero.example/lanterne">sito della pro loco</a> o passando in sede, sotto i portici di piazza del Mercato, il martedì e il giovedì dalle 17 alle 19. Servono soprattutto braccia per montare le luminarie e per il turno di pulizia della domenica notte, che l'organizzazione ha promesso di chiudere «prima che sorga il sole».</p>
""",
    },
    {
        "slug": "atletico-castelvero-vince-il-derby-con-la-pieve",
        "title": "L'Atletico Castelvero vince il derby con la Pieve all'ultimo "
        "respiro e vede la promozione",
        "standfirst": "Due a uno in rimonta davanti a novecento spettatori: decide "
        "un colpo di testa di Brambilla al novantunesimo, dopo il rigore parato "
        "dal diciannovenne Bellini. I gialloverdi a tre punti dalla vetta.",
        "author": "editor",
        "byline": "Redazione sportiva",
        "categories": ["calcio"],
        "tags": ["atletico-castelvero"],
        "status": "published",
        "days_ago": 8,
        "time": (19, 20),
        "image": {
            "colours": ((26, 110, 58), (231, 196, 40)),
            "alt": "Illustrazione grafica verde e gialla, i colori dell'Atletico "
            "Castelvero, con il titolo dell'articolo sul derby.",
            "caption": "Il campo sportivo di via dei Pioppi non era così pieno da "
            "anni.",
        },
        "body": """
<p>Un gol di testa al novantunesimo, un portiere di diciannove anni che para un rigore e un campo sportivo con più di novecento persone sugli spalti, come non si vedeva da anni. L'Atletico Castelvero ha battuto due a uno la Pieve di Sorra nel derby della valle e si porta a tre punti dalla vetta del girone di Prima categoria, con cinque partite ancora da giocare.</p>
<h2>La partita</h2>
<p>Il primo tempo è stato nervoso e avaro di occasioni. La Pieve, ordinata e aggressiva a centrocampo, ha lasciato pochissimo spazio alle due punte di casa e al ventottesimo è passata in vantaggio con una punizione di Mattia Ghezzi che ha sorpreso la barriera. Il pareggio è arrivato solo a inizio ripresa, con un tiro da fuori area del capitano Lorenzo Villa deviato da un difensore.</p>
<p>L'episodio che ha cambiato la partita è arrivato a un quarto d'ora dalla fine. Su un contropiede della Pieve il difensore Riccardo Fontana ha atterrato l'attaccante avversario in area: rigore netto. Dal dischetto si è presentato lo stesso Ghezzi, ma Tommaso Bellini, diciannove anni e alla quarta presenza da titolare, ha intuito l'angolo e ha respinto con la mano di richiamo.</p>
<h3>Il gol al novantunesimo</h3>
<p>Da lì in poi in campo c'è stata una squadra sola. L'allenatore Gianluca Serra ha inserito due ragazzi della juniores sulle fasce e l'Atletico ha chiuso gli avversari nella loro metà campo. Al primo minuto di recupero, sull'ennesimo calcio d'angolo, il centrale Nicola Brambilla ha anticipato tutti sul primo palo e ha firmato il due a uno, scatenando l'invasione pacifica dei ragazzini che seguivano la partita a bordo campo.</p>
<blockquote><p>«Non ho visto la palla entrare, ho sentito solo il boato. Questa vittoria è per chi ci segue anche quando piove e perdiamo», ha detto Brambilla a fine partita.</p></blockquote>
<h2>La classifica e il calendario</h2>
<p>Con questo successo l'Atletico sale a quarantasei punti, a tre lunghezze dal Borgo Fiorito capolista e con due di vantaggio sulla Pieve, che scivola al terzo posto. Il calendario delle ultime giornate sembra favorevole ai gialloverdi:</p>
<ol>
<li>trasferta sul campo del Sant'Anselmo, penultimo in classifica;</li>
<li>in casa contro la Polisportiva Valle Oscura;</li>
<li>lo scontro diretto con il Borgo Fiorito, in trasferta;</li>
<li>in casa contro il Real Montescuro;</li>
<li>chiusura sul campo della Rocca Bassa.</li>
</ol>
<p>Serra, però, invita alla calma: «Abbiamo una rosa giovane e corta. Se perdiamo un paio di giocatori per infortunio o squalifica la musica cambia. Pensiamo a una partita alla volta: lo so che è una frase fatta, ma è la verità».</p>
<h2>Una società che punta sui giovani</h2>
<p>Al di là del risultato, il derby ha confermato la scelta della società di investire sul vivaio. Sette dei sedici giocatori scesi in campo sono cresciuti nelle giovanili dell'Atletico, e il presidente Franco Donati ha annunciato che dalla prossima stagione la scuola calcio avrà un secondo campo in erba sintetica, finanziato in parte con un bando regionale per gli impianti sportivi. I dettagli saranno presentati in un incontro pubblico al centro sportivo di via dei Pioppi, aperto alle famiglie.</p>
""",
    },
    {
        "slug": "lirone-in-secca-patto-sull-acqua",
        "title": "Il Lirone in secca: agricoltori, ambientalisti e Comune cercano un "
        "patto sull'acqua",
        "standfirst": "La portata del torrente è scesa a un terzo della media "
        "stagionale. Il consorzio irriguo propone turni notturni, i pescatori "
        "chiedono di salvare il tratto delle trote. Giovedì il tavolo in Comune.",
        "author": "journalist",
        "byline": "",
        "categories": ["ambiente"],
        "tags": ["lirone", "agricoltura"],
        "status": "published",
        "days_ago": 12,
        "time": (8, 5),
        "image": {
            "colours": ((17, 94, 112), (201, 171, 112)),
            "alt": "Illustrazione grafica azzurra e sabbia con il titolo "
            "dell'articolo sulla secca del torrente Lirone.",
            "caption": "Sotto il ponte vecchio il Lirone si attraversa a piedi.",
        },
        "body": """
<p>Sotto il ponte vecchio, dove di solito l'acqua copre i sassi anche ad agosto, oggi si può attraversare il Lirone senza bagnarsi le caviglie. Le misure della stazione idrometrica di Mulino Vecchio parlano chiaro: la portata del torrente è scesa a circa un terzo della media del periodo, il livello più basso degli ultimi dodici anni. E le piogge previste per i prossimi dieci giorni, secondo il servizio meteorologico regionale, non basteranno a invertire la tendenza.</p>
<h2>Chi ha bisogno dell'acqua</h2>
<p>Il problema è che dal Lirone dipendono in molti. I circa sessanta soci del consorzio irriguo della piana prelevano acqua per mais, ortaggi e frutteti attraverso il canale dei Molini; l'acquedotto comunale pesca dalla falda che il torrente alimenta; e lungo il tratto a valle del paese vive una delle ultime popolazioni di trota marmorata della provincia, tutelata da un piano regionale.</p>
<p>«Se chiudiamo le paratoie adesso perdiamo il raccolto di pomodori e il mais da trinciato», spiega Angelo Brivio, presidente del consorzio, che coltiva venticinque ettari in località Campagnola. «Ma sappiamo benissimo che se il torrente muore, tra dieci anni non ci sarà più niente da irrigare».</p>
<h3>La proposta del consorzio</h3>
<p>Il consorzio ha presentato al Comune un piano di emergenza in tre punti:</p>
<ul>
<li>irrigazione solo nelle ore notturne, dalle 21 alle 6, per ridurre l'evaporazione;</li>
<li>turni a rotazione tra le aziende, con un calendario pubblico controllato dalla polizia locale;</li>
<li>precedenza alle colture già vicine alla raccolta rispetto alle nuove semine.</li>
</ul>
<p>Secondo i tecnici del consorzio, queste misure potrebbero ridurre i prelievi di circa il trenta per cento. Non abbastanza, però, per il circolo ambientalista del paese e per l'associazione dei pescatori, che chiedono di garantire in ogni caso il deflusso minimo vitale nel tratto delle trote.</p>
<blockquote><p>«Il deflusso minimo non è un capriccio da ambientalisti: è la legge. Sotto quella soglia il torrente diventa una fila di pozze calde, e in tre giorni i pesci muoiono», avverte Marta Colombo, biologa e portavoce del circolo.</p></blockquote>
<h2>Il ruolo del Comune</h2>
<p>La sindaca Elena Morandi ha convocato per giovedì un tavolo con il consorzio, le associazioni, la società che gestisce l'acquedotto e i tecnici della Regione. L'obiettivo dichiarato è firmare un accordo valido fino alla fine di settembre, con impegni precisi e verificabili. Nel frattempo un'ordinanza vieta fino a nuovo avviso di lavare le auto con acqua potabile e di riempire le piscine private, e invita le famiglie a ridurre i consumi domestici.</p>
<p>Sul lungo periodo, tutti concordano che servono investimenti: un bacino di raccolta delle acque piovane nella piana, la riparazione delle perdite del canale dei Molini, che secondo le stime disperde un quinto dell'acqua che trasporta, e impianti a goccia per le aziende che irrigano ancora a scorrimento. I dati aggiornati sulla portata del torrente sono pubblicati ogni mattina sul <a href="https://idrometri.regione.example/lirone">portale idrometrico regionale</a>.</p>
""",
    },
    {
        "slug": "chiude-la-merceria-bonfanti",
        "title": "Chiude la merceria Bonfanti dopo sessant'anni: in via Roma "
        "un'altra vetrina spenta",
        "standfirst": "Lucia Bonfanti abbassa la saracinesca del negozio aperto dai "
        "genitori. Affitti, bollette e acquisti online: i commercianti del centro "
        "chiedono un piano, il Comune studia sgravi per chi apre.",
        "author": "journalist",
        "byline": "",
        "categories": ["economia"],
        "tags": ["commercio", "centro-storico"],
        "status": "published",
        "days_ago": 16,
        "time": (12, 0),
        "image": {
            "colours": ((122, 33, 64), (240, 214, 170)),
            "alt": "Illustrazione grafica bordeaux e crema con il titolo "
            "dell'articolo sulla chiusura della merceria Bonfanti.",
            "caption": "Via Roma, nel centro storico: diciannove i locali sfitti.",
        },
        "body": """
<p>L'ultimo giorno, in vetrina, c'erano ancora i gomitoli di lana ordinati per colore e un cartello scritto a mano: «Grazie a tutti, è stato bello». Dopo sessant'anni chiude la merceria Bonfanti di via Roma, una delle botteghe più antiche del centro storico di Castelvero. L'avevano aperta Ernesto e Rina Bonfanti all'inizio degli anni Sessanta; da trent'anni la mandava avanti la figlia Lucia, che ha deciso di andare in pensione senza trovare nessuno a cui lasciare l'attività.</p>
<p>«Ho cercato per un anno intero qualcuno che la rilevasse», racconta. «Sono venute tre persone a vedere il negozio. Tutte e tre, fatti i conti, mi hanno detto di no».</p>
<h2>I conti che non tornano</h2>
<p>I numeri li conosce bene chiunque abbia un'attività in centro. L'affitto di un locale di cinquanta metri quadrati su via Roma si aggira intorno ai novecento euro al mese; le bollette sono quasi raddoppiate in due anni; e i passanti, nei giorni feriali, sono diminuiti dopo l'apertura del centro commerciale sulla provinciale e il trasferimento degli uffici sanitari in periferia.</p>
<p>Poi c'è la concorrenza della rete. «Una volta venivano da me per un bottone o una cerniera, e intanto compravano anche il filo, l'elastico, e facevano due chiacchiere», dice Lucia Bonfanti. «Adesso la cerniera la ordinano col telefono e arriva il giorno dopo. Non ne faccio una colpa a nessuno, è il mondo che è cambiato».</p>
<h3>Le vetrine vuote del centro</h3>
<p>Secondo un censimento dell'associazione commercianti, i locali sfitti tra via Roma, via Garibaldi e piazza del Mercato sono oggi diciannove, contro gli undici di cinque anni fa. Alcuni sono vuoti da così tanto tempo che le vetrine sono coperte da fogli di giornale ingialliti.</p>
<blockquote><p>«Ogni saracinesca che si abbassa rende la strada meno sicura e meno viva, e questo danneggia anche chi resta aperto», osserva Roberto Galli, presidente dell'associazione, che gestisce una ferramenta a due passi dalla merceria.</p></blockquote>
<h2>Cosa chiedono i commercianti</h2>
<p>L'associazione ha consegnato alla giunta un documento con alcune richieste concrete: uno sconto sulla tassa dei rifiuti per i primi tre anni a chi apre in centro, un accordo con i proprietari dei locali sfitti per affitti calmierati, e la possibilità di usare le vetrine vuote per mostre di artigiani e studenti del liceo artistico, così da non lasciare buchi neri lungo le vie.</p>
<p>L'assessora al commercio, Giulia Fabbri, ha confermato che il Comune sta preparando un bando per sostenere le nuove aperture, finanziato con una parte degli incassi della sosta a pagamento, e che un primo incontro con i proprietari degli immobili è previsto entro l'estate. «Non possiamo obbligare nessuno ad affittare a prezzi più bassi», ha detto, «ma possiamo fare in modo che convenga».</p>
<p>Quanto alla merceria, il locale resterà chiuso almeno fino all'autunno. Le vecchie scaffalature in legno, costruite su misura da un falegname del paese, saranno donate al museo civico, che le userà per ricostruire una bottega d'epoca. Lucia Bonfanti, intanto, ha già un nuovo impegno: il giovedì pomeriggio insegnerà a lavorare a maglia al centro anziani. «Almeno quello», dice ridendo, «non si compra online».</p>
""",
    },
    {
        "slug": "ciclabile-del-lirone-via-libera-al-primo-lotto",
        "title": "Ciclabile del Lirone, via libera al primo lotto: otto chilometri "
        "fino alla Pieve",
        "standfirst": "La Regione finanzia con un milione e mezzo il tratto tra il "
        "ponte vecchio e Pieve di Sorra. Cantieri in autunno, apertura prevista in "
        "primavera. Mancano ancora tre accordi con i proprietari dei terreni.",
        "author": "journalist",
        "byline": "",
        "categories": ["ambiente", "politica"],
        "tags": ["mobilita", "lirone", "turismo"],
        "status": "published",
        "days_ago": 21,
        "time": (9, 40),
        "image": {
            "colours": ((46, 125, 50), (20, 70, 120)),
            "alt": "Illustrazione grafica verde e blu con il titolo dell'articolo "
            "sulla pista ciclabile lungo il Lirone.",
            "caption": "Il tracciato seguirà l'argine destro del torrente.",
        },
        "body": """
<p>Se ne parla da quasi vent'anni e adesso ci sono i soldi. La Regione ha approvato la graduatoria del bando per la mobilità dolce e la pista ciclabile lungo il Lirone è tra i progetti finanziati: un milione e mezzo di euro per il primo lotto, gli otto chilometri che separano il ponte vecchio di Castelvero dal centro di Pieve di Sorra. Il Comune dovrà aggiungere circa duecentomila euro di fondi propri, già previsti nel bilancio.</p>
<h2>Il percorso</h2>
<p>Il tracciato segue per gran parte l'argine destro del torrente, su strade bianche già esistenti che verranno allargate a tre metri e rese percorribili tutto l'anno con una pavimentazione drenante. Partendo dal paese, la pista attraverserà:</p>
<ul>
<li>il parco del Mulino Vecchio, dove sarà realizzata un'area di sosta con fontanella e rastrelliere;</li>
<li>la zona agricola della Campagnola, con un sottopasso sotto la provinciale per evitare l'attraversamento della strada;</li>
<li>il bosco delle Lame, l'unico tratto in cui il percorso si allontana dall'acqua per aggirare una garzaia, l'area dove nidificano gli aironi;</li>
<li>l'ingresso a Pieve di Sorra, dove si collegherà alle piste che portano alla stazione ferroviaria.</li>
</ul>
<p>Il progetto prevede anche un'illuminazione a basso consumo nei tratti vicini alle case e una segnaletica con i tempi di percorrenza, pensata per chi userà la pista per andare al lavoro e non solo per le gite della domenica.</p>
<h3>Una strada per i pendolari</h3>
<p>È proprio su questo che insiste l'assessore alla mobilità, Paolo Crestani. Ogni mattina, secondo i dati della Provincia, circa quattrocento persone si spostano da Castelvero verso la zona industriale della Pieve, quasi tutte in auto. «Otto chilometri in bicicletta, in pianura, sono meno di mezz'ora», osserva. «Con una pista sicura e separata dal traffico, una parte di loro cambierà abitudine. Non tutti, ma ne bastano pochi per togliere un po' di coda dalla provinciale».</p>
<h2>I nodi da sciogliere</h2>
<p>Non tutto è risolto. Per completare il tracciato servono accordi con undici proprietari di terreni lungo l'argine: otto hanno già firmato le cessioni o le servitù di passaggio, tre non ancora. Uno di loro, che coltiva un vigneto a ridosso del torrente, teme furti e danni alle viti e chiede una recinzione a spese del Comune.</p>
<blockquote><p>«Siamo favorevoli alla pista, lo diciamo chiaramente. Chiediamo solo che chi lavora la terra non debba pagare per un'opera che serve a tutti», scrive l'associazione degli agricoltori in una nota.</p></blockquote>
<p>Anche le associazioni ambientaliste, pur sostenendo il progetto, chiedono garanzie sul bosco delle Lame: niente luci di notte e lavori sospesi durante la stagione della nidificazione. Il progetto definitivo, consultabile sul <a href="https://www.comune.castelvero.example/ciclabile-lirone">sito del Comune</a>, prevede entrambe le cose.</p>
<h2>Il calendario</h2>
<p>Se gli ultimi accordi arriveranno entro l'estate, la gara d'appalto sarà pubblicata a settembre e i cantieri partiranno in autunno, per chiudersi entro la primavera successiva. Il secondo lotto, che dovrebbe collegare il paese alla frazione di Poggio Alto e ai sentieri della montagna, è ancora in fase di studio e attende un nuovo bando regionale.</p>
""",
    },
    {
        "slug": "biblioteca-civica-aperta-di-sera",
        "title": "La biblioteca apre di sera: fino alle 23 tra studenti, pensionati "
        "e tavoli sempre pieni",
        "standfirst": "Da due mesi la biblioteca civica di palazzo Varenna resta "
        "aperta tre sere a settimana grazie a trenta volontari. Gli ingressi serali "
        "hanno superato quelli del mattino; ora si pensa al sabato.",
        "author": "journalist",
        "byline": "",
        "categories": ["cultura"],
        "tags": ["scuola", "volontariato"],
        "status": "published",
        "days_ago": 27,
        "time": (16, 15),
        "image": {
            "colours": ((60, 46, 110), (214, 160, 80)),
            "alt": "Illustrazione grafica viola e ambra con il titolo dell'articolo "
            "sulle aperture serali della biblioteca civica.",
            "caption": "La sala grande di palazzo Varenna alle dieci di sera.",
        },
        "body": """
<p>Alle dieci e mezza di un martedì sera, nella sala grande della biblioteca civica di Castelvero, non c'è un posto libero. Ci sono universitari con le cuffie e i manuali di diritto, due signore che sfogliano riviste di giardinaggio, un padre che aiuta il figlio con una versione di latino a bassa voce, un gruppo di ragazzi alle prese con un esame di statistica. Fuori, piazza della Pieve è già deserta.</p>
<p>Da due mesi la biblioteca di palazzo Varenna resta aperta fino alle 23 il martedì, il mercoledì e il giovedì. È una sperimentazione nata da una richiesta degli universitari pendolari, che rientrando dalle lezioni in città trovavano la biblioteca già chiusa e nessun altro luogo tranquillo dove studiare.</p>
<h2>Come funziona</h2>
<p>L'apertura serale costa pochissimo al Comune perché si regge su un accordo con le associazioni del paese. Dalle 19 in poi, accanto a un bibliotecario che si alterna con i colleghi, la sala è presidiata da volontari formati dal personale: una trentina di persone, in maggioranza pensionati, tra cui un ex preside e due ex impiegate comunali.</p>
<p>Le regole sono poche e chiare:</p>
<ul>
<li>prestiti e restituzioni restano possibili fino alle 22;</li>
<li>dopo le 21 si entra solo con la tessera della biblioteca, che si fa gratis in pochi minuti;</li>
<li>la sala studio al primo piano è riservata al silenzio, mentre nella saletta delle riviste si può parlare sottovoce;</li>
<li>niente cibo tra gli scaffali, ma nel chiostro c'è una macchinetta per il caffè e le tisane.</li>
</ul>
<h3>I numeri dei primi due mesi</h3>
<p>I dati raccolti dalla biblioteca hanno sorpreso anche chi aveva proposto l'iniziativa. Nelle sere di apertura si contano in media settantacinque ingressi, più di quelli registrati nelle mattine dei giorni feriali. Poco più della metà sono studenti tra i diciotto e i venticinque anni, ma un quarto degli utenti serali ha più di sessant'anni, e i prestiti di romanzi sono cresciuti di un terzo rispetto allo stesso periodo dell'anno scorso.</p>
<blockquote><p>«Pensavamo di aprire una sala studio. Ci siamo ritrovati con un posto dove le generazioni si incontrano senza che nessuno l'abbia organizzato», dice la direttrice Anna Zanetti.</p></blockquote>
<h2>Il sabato e l'estate</h2>
<p>Il successo ha aperto una discussione sul futuro. Gli studenti chiedono di estendere l'orario al sabato pomeriggio e di non interrompere le aperture serali in estate, quando si preparano gli esami della sessione di settembre. La direttrice è d'accordo, ma avverte che servono altri volontari: per coprire il sabato ne mancano almeno dieci.</p>
<p>Chi vuole dare la propria disponibilità può scrivere alla biblioteca o partecipare all'incontro informativo nella sala conferenze di palazzo Varenna. Il calendario delle aperture e il regolamento completo sono pubblicati nella <a href="https://biblioteca.castelvero.example/orari">pagina degli orari</a>. Non serve nessuna competenza particolare, assicura Zanetti: «Basta saper sorridere e far rispettare il silenzio. La seconda cosa, a volte, è la più difficile».</p>
""",
    },
    {
        "slug": "maratonina-del-lirone-strade-chiuse",
        "title": "Maratonina del Lirone, domenica strade chiuse in centro: percorso, "
        "orari e deviazioni",
        "standfirst": "Più di milleduecento iscritti, un record. Dalle 7.30 alle 13 "
        "stop al traffico tra piazza del Mercato, via Roma e l'argine; navette "
        "gratuite dai parcheggi della stazione e della zona sportiva.",
        "author": "editor",
        "byline": "Redazione",
        "categories": ["sport"],
        "tags": ["mobilita", "lirone"],
        "status": "scheduled",
        "days_ahead": 3,
        "time": (7, 0),
        "image": {
            "colours": ((200, 60, 40), (250, 190, 60)),
            "alt": "Illustrazione grafica rossa e gialla con il titolo "
            "dell'articolo sulla maratonina del Lirone.",
            "caption": "La partenza è in piazza del Mercato alle 9.",
        },
        "body": """
<p>Domenica mattina Castelvero si ferma per la corsa. La maratonina del Lirone, la mezza maratona che da undici edizioni attraversa il paese e la campagna lungo il torrente, quest'anno ha superato i milleduecento iscritti, un record per la manifestazione. Per la sicurezza dei partecipanti, dalle 7.30 alle 13 diverse strade del centro e della piana saranno chiuse al traffico.</p>
<h2>Il percorso</h2>
<p>La partenza è fissata alle 9 in piazza del Mercato. Gli atleti scenderanno lungo via Roma fino al ponte vecchio, percorreranno l'argine destro del Lirone fino alla Campagnola e da lì torneranno verso il paese passando per Mulino Vecchio e il viale dei Pioppi. L'arrivo dei più veloci, davanti al municipio, è previsto poco dopo le 10.10. Per chi non se la sente di correre ventuno chilometri c'è la Lironina, un percorso non competitivo di sei chilometri aperto a famiglie, camminatori e passeggini, con partenza alle 9.30.</p>
<h2>Strade chiuse e deviazioni</h2>
<p>L'ordinanza della polizia locale prevede:</p>
<ul>
<li>divieto di transito e di sosta in piazza del Mercato, via Roma e via Garibaldi dalle 6 alle 13, con rimozione dei veicoli;</li>
<li>chiusura della strada dell'argine e di via della Campagnola dalle 8.30 alle 12;</li>
<li>senso unico alternato sul ponte nuovo, regolato da movieri, per tutta la durata della gara;</li>
<li>autobus di linea deviati sulla circonvallazione, con fermate provvisorie davanti alla stazione e al cimitero.</li>
</ul>
<p>Chi deve raggiungere l'ospedale o la stazione potrà usare la circonvallazione esterna, che resterà sempre aperta. I residenti delle vie interessate potranno uscire in auto solo prima delle 7.30 o dopo la riapertura.</p>
<h3>Parcheggi e navette</h3>
<p>Gli organizzatori consigliano a chi arriva da fuori di lasciare l'auto nel parcheggio della zona sportiva di via dei Pioppi o in quello della stazione. Da entrambi partirà, ogni quindici minuti tra le 7 e le 9, una navetta gratuita verso la partenza. I pettorali si ritirano sabato pomeriggio nella palestra della scuola media e domenica mattina fino alle 8.15.</p>
<h2>Una festa lungo il percorso</h2>
<p>Come ogni anno la gara sarà anche una festa. Lungo il tracciato ci saranno quattro punti di ristoro gestiti dai volontari delle società sportive, mentre la banda cittadina suonerà al ponte vecchio al passaggio dei primi. Al traguardo aspettano una tenda per i massaggi, curata dagli studenti del corso di fisioterapia, e un pasta party per tutti i partecipanti.</p>
<blockquote><p>«Chiediamo un po' di pazienza a chi domenica dovrà spostarsi in auto. In cambio, chi esce di casa a fare il tifo troverà un paese pieno di gente e di colori», dicono dall'organizzazione.</p></blockquote>
<p>Una parte delle quote di iscrizione andrà all'associazione che accompagna in auto i malati della valle alle terapie in ospedale. La mappa dettagliata delle chiusure è disponibile sul <a href="https://maratoninadellirone.example/percorso">sito della maratonina</a>.</p>
""",
    },
    {
        "slug": "mercato-coperto-progetto-di-recupero",
        "title": "Mercato coperto, il progetto di recupero divide i banchi storici",
        "standfirst": "Il Comune vuole trasformare l'ex mercato di via dei "
        "Tessitori in uno spazio per i produttori della valle. Gli ambulanti di "
        "lunga data temono di restare fuori.",
        "author": "journalist",
        "byline": "",
        "categories": ["economia"],
        "tags": ["commercio", "centro-storico", "agricoltura"],
        "status": "draft",
        "image": None,
        "body": """
<p>L'ex mercato coperto di via dei Tessitori, chiuso da anni per i danni al tetto, potrebbe riaprire con una funzione diversa. La giunta ha presentato ai commercianti un progetto di recupero che prevede banchi fissi per i produttori agricoli della valle, un piccolo spazio di ristorazione e una sala per corsi di cucina e incontri.</p>
<h2>Cosa prevede il progetto</h2>
<p>Secondo la bozza illustrata in commissione, i banchi sarebbero sedici, assegnati con un bando che darà punti a chi vende ciò che produce e a chi coltiva entro trenta chilometri. Il costo complessivo, da verificare con l'ufficio tecnico, dovrebbe essere coperto in gran parte da fondi regionali per la rigenerazione dei centri storici.</p>
<h2>I dubbi degli ambulanti</h2>
<p>Chi vende da decenni sotto i portici del mercato settimanale non nasconde la preoccupazione. «Noi compriamo ai mercati generali e rivendiamo, come facevano i nostri genitori», dice un fruttivendolo che chiede di non essere citato. «Con queste regole il bando lo vince solo chi ha la terra».</p>
<p>Da completare: la risposta dell'assessora Fabbri e i numeri definitivi del quadro economico, attesi per la prossima settimana.</p>
""",
    },
    {
        "slug": "raccolta-differenziata-frazioni-indietro",
        "title": "Raccolta differenziata al 71 per cento, ma le frazioni restano "
        "indietro",
        "standfirst": "Il paese supera l'obiettivo di legge, ma a Poggio Alto e "
        "alla Campagnola la percentuale si ferma sotto il sessanta. Il Comune "
        "prova con le isole ecologiche a tessera.",
        "author": "journalist",
        "byline": "",
        "categories": ["ambiente"],
        "tags": ["agricoltura", "bilancio"],
        "status": "review",
        "image": None,
        "body": """
<p>Castelvero ha chiuso l'anno con il 71 per cento di raccolta differenziata, sei punti in più rispetto all'anno precedente e sopra l'obiettivo fissato dalla legge. Il dato, presentato dalla società che gestisce il servizio, nasconde però una differenza netta tra il capoluogo e le frazioni.</p>
<h2>Il divario tra centro e frazioni</h2>
<p>Nel centro, dove da due anni si raccoglie porta a porta, la percentuale supera il 78 per cento. A Poggio Alto e alla Campagnola, dove restano i cassonetti stradali, si ferma rispettivamente al 58 e al 56. Nei cassonetti dell'indifferenziata delle frazioni, secondo le analisi a campione, finisce ancora un terzo di rifiuti organici e un quinto di plastica.</p>
<p>«Non è un problema di buona volontà», spiega il tecnico ambientale del Comune, Stefano Rota. «Con i cassonetti aperti a tutti, chiunque passi in auto lascia un sacco, anche da fuori paese. Il risultato è che chi fa bene la differenziata paga anche per chi non la fa».</p>
<h2>Le isole ecologiche a tessera</h2>
<p>La soluzione proposta dalla giunta sono le isole ecologiche ad accesso controllato: contenitori chiusi che si aprono solo con la tessera sanitaria dei residenti, e che registrano quante volte ogni famiglia conferisce l'indifferenziata. Le prime quattro saranno installate entro l'autunno, due per frazione.</p>
<h3>Cosa cambia in bolletta</h3>
<p>Per ora nulla. In prospettiva, però, i dati delle isole ecologiche potrebbero servire a introdurre una tariffa che premia chi produce meno rifiuti indifferenziati, come già avviene in diversi comuni della provincia. Le associazioni dei consumatori chiedono che il passaggio sia accompagnato da incontri pubblici nelle frazioni, per spiegare le nuove regole prima di applicarle.</p>
""",
    },
]
