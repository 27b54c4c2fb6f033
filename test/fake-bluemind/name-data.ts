// Word lists for the data generator: French first (the product's main audience), then other
// Latin-script cultures, then non-Latin scripts with a romanised form for email addresses.

/** [native, romanised] — romanised is null when an accent fold of the native form is enough. */
export type NamePart = readonly [string, string | null];

export interface City {
  locality: string;
  postalCode: string;
  region: string | null;
  countryName: string;
}

export interface Culture {
  id: string;
  /** Relative frequency. */
  weight: number;
  given: readonly NamePart[];
  family: readonly NamePart[];
  /** Family name written first (Chinese, Japanese, Korean). */
  familyFirst?: boolean;
  /** Separator between the parts of the full name ("" for Chinese and Japanese). */
  joiner?: string;
  phonePrefix: string;
  streets: readonly string[];
  cities: readonly City[];
}

const latin = (names: string): NamePart[] => names.split(",").map((n) => [n.trim(), null] as const);

export const CULTURES: readonly Culture[] = [
  {
    id: "fr",
    weight: 50,
    given: latin(
      "Jeanne,Élodie,François,Hélène,Jérôme,Loïc,Maëlle,Noémie,Gaëtan,Zoé,Cécile,Léa,Chloé,Mathis,Théo,Inès,Raphaël,Anaïs,Benoît,Clément,Agnès,Béatrice,Timothée,Jean-Pierre,Marie-Claire,Amélie,Joël,Océane,Solène,Hugo,Lucas,Camille,Manon,Nicolas,Sébastien,Aurélie,Émile,Ève,Gaël,Maïwenn,Paul,Louise,Arthur,Élise,Thérèse,Françoise,Didier,Sylvie,Frédéric,Stéphane",
    ),
    family: latin(
      "Dupont,Martin,Lefèvre,Dupré,Bénard,Gérard,Mercier,Fournier,Lemaître,Chevalier,Bérenger,Périer,Lévêque,Rousseau,Blanchard,Faure,Giraud,Brunet,Roux,Vidal,Château,Lacroix,Marchand,Duval,Denis,Noël,Picard,Aubert,Boucher,Hébert,Régnier,Lefebvre,Moreau,Laurent,Simon,Michel,Garnier,Fontaine,Dubois,Prévost,d'Arcy,Le Gall,Kerjean,Bouvier,Carré,Besançon,Lemoine,Morvan,Guérin,Bréhat",
    ),
    phonePrefix: "+33",
    streets: ["rue de la République", "avenue Jean-Jaurès", "boulevard Haussmann", "impasse des Lilas", "place du Capitole", "chemin des Écoliers", "allée des Châtaigniers", "quai de la Tournelle", "rue du Faubourg-Saint-Honoré", "cours Mirabeau"],
    cities: [
      { locality: "Toulouse", postalCode: "31000", region: "Occitanie", countryName: "France" },
      { locality: "Lyon", postalCode: "69001", region: "Auvergne-Rhône-Alpes", countryName: "France" },
      { locality: "Paris", postalCode: "75011", region: "Île-de-France", countryName: "France" },
      { locality: "Nantes", postalCode: "44000", region: "Pays de la Loire", countryName: "France" },
      { locality: "Bordeaux", postalCode: "33000", region: "Nouvelle-Aquitaine", countryName: "France" },
      { locality: "Lille", postalCode: "59000", region: "Hauts-de-France", countryName: "France" },
      { locality: "Strasbourg", postalCode: "67000", region: "Grand Est", countryName: "France" },
      { locality: "Saint-Étienne", postalCode: "42000", region: null, countryName: "France" },
      { locality: "Montréal", postalCode: "H2X 1Y4", region: "Québec", countryName: "Canada" },
      { locality: "Genève", postalCode: "1201", region: null, countryName: "Suisse" },
    ],
  },
  {
    id: "intl",
    weight: 30,
    given: latin(
      "James,Olivia,Michael,Emma,José,María,Sofía,Álvaro,Jürgen,Jörg,Günther,Ingrid,Søren,Åsa,Björn,Łukasz,Małgorzata,Wojciech,Zofia,João,Conceição,Çağla,Oğuz,Giulia,Niccolò,Siobhán,Seán,Nguyễn,Thảo,Dvořák,Kateřina,Miloš,Zsófia,Ágnes",
    ),
    family: latin(
      "Smith,Johnson,O'Brien,García,Fernández,Núñez,Peña,Müller,Schröder,Weiß,Jørgensen,Ångström,Kowalski,Wiśniewska,Gonçalves,Conceição,Yılmaz,Öztürk,Rossi,De Luca,Ó Súilleabháin,Trần,Phạm,Novák,Dvořáková,Kovács,Szabó,van der Berg,MacLeod",
    ),
    phonePrefix: "+44",
    streets: ["High Street", "Calle Mayor", "Hauptstraße", "ulica Długa", "Rua Augusta", "Via Roma", "Kongens Gade"],
    cities: [
      { locality: "London", postalCode: "SW1A 1AA", region: null, countryName: "United Kingdom" },
      { locality: "Madrid", postalCode: "28013", region: null, countryName: "España" },
      { locality: "München", postalCode: "80331", region: "Bayern", countryName: "Deutschland" },
      { locality: "Kraków", postalCode: "31-001", region: null, countryName: "Polska" },
      { locality: "Lisboa", postalCode: "1100-148", region: null, countryName: "Portugal" },
      { locality: "København", postalCode: "1050", region: null, countryName: "Danmark" },
      { locality: "Bruxelles", postalCode: "1000", region: null, countryName: "Belgique" },
    ],
  },
  {
    id: "zh",
    weight: 5,
    familyFirst: true,
    joiner: "",
    given: [["伟", "wei"], ["娜", "na"], ["静", "jing"], ["磊", "lei"], ["秀英", "xiuying"], ["建国", "jianguo"], ["丽", "li"], ["洋", "yang"]],
    family: [["王", "wang"], ["李", "li"], ["张", "zhang"], ["刘", "liu"], ["陈", "chen"], ["杨", "yang"], ["黄", "huang"], ["赵", "zhao"]],
    phonePrefix: "+86",
    streets: ["长安街", "南京路", "中山路"],
    cities: [
      { locality: "北京", postalCode: "100000", region: null, countryName: "中国" },
      { locality: "上海", postalCode: "200000", region: null, countryName: "中国" },
    ],
  },
  {
    id: "ar",
    weight: 5,
    given: [["محمد", "mohamed"], ["فاطمة", "fatima"], ["علي", "ali"], ["ليلى", "leila"], ["يوسف", "youssef"], ["مريم", "meriem"], ["كريم", "karim"]],
    family: [["العلي", "alali"], ["حداد", "haddad"], ["بن علي", "benali"], ["الخطيب", "elkhatib"], ["منصور", "mansour"], ["عبد الله", "abdallah"]],
    phonePrefix: "+212",
    streets: ["شارع محمد الخامس", "شارع الحسن الثاني"],
    cities: [
      { locality: "الدار البيضاء", postalCode: "20000", region: null, countryName: "المغرب" },
      { locality: "القاهرة", postalCode: "11511", region: null, countryName: "مصر" },
    ],
  },
  {
    id: "el",
    weight: 4,
    given: [["Γιώργος", "giorgos"], ["Ελένη", "eleni"], ["Δημήτρης", "dimitris"], ["Μαρία", "maria"], ["Νίκος", "nikos"], ["Κατερίνα", "katerina"]],
    family: [["Παπαδόπουλος", "papadopoulos"], ["Οικονόμου", "oikonomou"], ["Γεωργίου", "georgiou"], ["Νικολάου", "nikolaou"], ["Καραγιάννη", "karagianni"]],
    phonePrefix: "+30",
    streets: ["Οδός Ερμού", "Λεωφόρος Συγγρού"],
    cities: [{ locality: "Αθήνα", postalCode: "105 52", region: "Αττική", countryName: "Ελλάδα" }],
  },
  {
    id: "ru",
    weight: 4,
    given: [["Иван", "ivan"], ["Ольга", "olga"], ["Дмитрий", "dmitri"], ["Наталья", "natalia"], ["Сергей", "sergei"], ["Анастасия", "anastasia"]],
    family: [["Петров", "petrov"], ["Иванова", "ivanova"], ["Смирнов", "smirnov"], ["Кузнецова", "kuznetsova"], ["Соколов", "sokolov"], ["Попова", "popova"]],
    phonePrefix: "+7",
    streets: ["улица Тверская", "Невский проспект"],
    cities: [
      { locality: "Москва", postalCode: "101000", region: null, countryName: "Россия" },
      { locality: "Санкт-Петербург", postalCode: "190000", region: null, countryName: "Россия" },
    ],
  },
  {
    id: "ja",
    weight: 2,
    familyFirst: true,
    joiner: "",
    given: [["翔太", "shota"], ["さくら", "sakura"], ["陽菜", "hina"], ["健", "ken"]],
    family: [["佐藤", "sato"], ["鈴木", "suzuki"], ["高橋", "takahashi"], ["田中", "tanaka"]],
    phonePrefix: "+81",
    streets: ["銀座", "丸の内"],
    cities: [{ locality: "東京", postalCode: "100-0001", region: null, countryName: "日本" }],
  },
];

export interface Company {
  name: string;
  /** Used for work email domains and URLs. */
  slug: string;
}

export const COMPANIES: readonly Company[] = [
  { name: "ACME", slug: "acme" },
  { name: "Dupuis & Fils", slug: "dupuis-fils" },
  { name: "Société Générale d'Équipement", slug: "sge" },
  { name: "Boulangerie Lefèvre", slug: "boulangerie-lefevre" },
  { name: "Müller GmbH", slug: "mueller" },
  { name: "Łódź Software", slug: "lodz-software" },
  { name: "北京科技有限公司", slug: "bjtech" },
  { name: "Atelier Ébène", slug: "atelier-ebene" },
  { name: "Mairie de Saint-Étienne", slug: "saint-etienne" },
  { name: "Coopérative « Les Prés »", slug: "les-pres" },
  { name: "Blue Sky Ltd.", slug: "bluesky" },
  { name: "Café de l'Opéra", slug: "cafe-opera" },
];

export const TITLES: readonly string[] = [
  "Directrice commerciale", "Ingénieur logiciel", "Chef de projet", "CTO", "Comptable", "Responsable RH",
  "Développeuse", "Consultant", "Stagiaire", "Head of Sales", "Product Manager", "Assistante de direction",
];

export const DEPARTMENTS: readonly string[] = ["R&D", "Ventes", "Ressources humaines", "Comptabilité", "Direction", "Support", "Marketing"];

export const PERSONAL_DOMAINS: readonly string[] = ["example.org", "example.net", "mail.example", "courriel.example"];

export const CATEGORIES: readonly { label: string; color: string }[] = [
  { label: "Client", color: "3d99ff" },
  { label: "Fournisseur", color: "ff6f3d" },
  { label: "Famille", color: "4caf50" },
  { label: "Amis", color: "e91e63" },
  { label: "VIP", color: "ffc107" },
  { label: "Presse", color: "9c27b0" },
];

export const GROUP_NAMES: readonly string[] = [
  "Équipe projet Alpha", "Famille", "Comité des fêtes", "Clients VIP", "Bureau d'études", "Club de lecture",
  "Conseil d'administration", "Фестиваль", "Voisins",
];

/** Note templates; `{name}` is replaced by the contact's name. */
export const NOTES: readonly string[] = [
  "Rencontré au salon Vivatech, intéressé par l'offre Pro.",
  "Ligne 1\nLigne 2 ; avec point-virgule, virgule\\ et antislash",
  "<p>Client <b>important</b> — rappeler avant le <i>15/03</i>.</p><ul><li>Devis envoyé</li><li>Relance J+7</li></ul>",
  "Préfère être contacté par e-mail ; disponible le matin.\nAssistante : Mme Roux",
  "Code porte : 12A\\B; étage 3, bureau 42",
  "Anniversaire de {name} : penser au cadeau 🎁",
  "Met \"guillemets\" et 'apostrophes' partout, comma, semicolon; colon: done.",
  "Multi-line\r\nwith CRLF\r\nand a tab\there",
];
