import type { CatalogueEntry } from '../core/errors.js';

/** Catalogue entries of the response (4W/5W) module, registered through the module contract (see core/errors.ts). */
export const responseMessages = {
  'response.organisation.notFound': {
    status: 404,
    en: 'No organisation of the response is named “{name}”.',
    fr: 'Aucune organisation de la réponse ne s’appelle « {name} ».',
  },
  'response.organisation.exists': {
    status: 409,
    en: '“{name}” is already the organisation {acronym} (names differing only by case, accents or spaces are one organisation).',
    fr: '« {name} » est déjà l’organisation {acronym} (des noms qui ne diffèrent que par la casse, les accents ou les espaces désignent une seule organisation).',
  },
  'response.organisation.typeUnknown': {
    status: 400,
    en: '“{code}” is not an HDX HAPI organisation type code (e.g. 437 international NGO, 441 national NGO, 447 United Nations).',
    fr: '« {code} » n’est pas un code de type d’organisation HDX HAPI (p. ex. 437 ONG internationale, 441 ONG nationale, 447 Nations unies).',
  },
  'response.needs.columns': {
    status: 422,
    en: 'This is not an HNO people-in-need file in the HPC format: no column for {missing} (by HXL tag #sector, #inneed or by header).',
    fr: 'Ce n’est pas un fichier HNO de personnes dans le besoin au format HPC : aucune colonne pour {missing} (par étiquette HXL #sector, #inneed ou par en-tête).',
  },
  'response.needs.invalid': {
    status: 422,
    en: '{count} cell(s) of this HNO file cannot be read (first at row {first}): unknown sector code, sex, another country’s P-code or a number that is not one. Nothing was imported; the rows are listed.',
    fr: '{count} cellule(s) de ce fichier HNO ne se lisent pas (la première à la ligne {first}) : code de secteur ou sexe inconnu, P-code d’un autre pays ou nombre invalide. Rien n’a été importé ; les lignes sont listées.',
  },
  'response.needs.year': {
    status: 400,
    en: '“{year}” is not a year of a humanitarian needs overview.',
    fr: '« {year} » n’est pas l’année d’un aperçu des besoins humanitaires.',
  },
  'response.sector.unknown': {
    status: 422,
    en: '“{label}” is not a sector Liptako knows: use an IASC cluster code (SHL, WSH, PRO-GBV, …) or confirm the label first.',
    fr: '« {label} » n’est pas un secteur connu de Liptako : utilisez un code de cluster IASC (SHL, WSH, PRO-GBV, …) ou confirmez d’abord ce libellé.',
  },
  'response.activity.notFound': {
    status: 404,
    en: 'No activity has the code {code}.',
    fr: 'Aucune activité n’a le code {code}.',
  },
  'response.sphere.itemsOnly': {
    status: 422,
    en: 'Only an activity counted in items (latrines, taps, litres, m²) can carry a Sphere indicator, not one in {unit}.',
    fr: 'Seule une activité comptée en articles (latrines, robinets, litres, m²) peut porter un indicateur Sphere, pas une activité en {unit}.',
  },
  'response.sphere.unknownThreshold': {
    status: 404,
    en: 'No Sphere threshold “{code}”.',
    fr: 'Aucun seuil Sphere « {code} ».',
  },
  'response.activity.unitRule': {
    status: 422,
    en: 'An indicator in {unit} adds up by “{expected}”, not “{given}”: people are never summed across activities; items and money always add.',
    fr: 'Un indicateur en {unit} s’agrège par « {expected} », pas « {given} » : les personnes ne s’additionnent jamais entre activités ; articles et montants s’additionnent toujours.',
  },
  'response.activity.areaNotFound': {
    status: 422,
    en: 'The plan {plan} has no activity area {area}.',
    fr: 'Le plan {plan} n’a pas de domaine d’activité {area}.',
  },
  'response.activity.sectorMismatch': {
    status: 422,
    en: 'The activity {code} belongs to the sector {expected}, not {given}.',
    fr: 'L’activité {code} relève du secteur {expected}, pas de {given}.',
  },
  'response.period.notFound': {
    status: 404,
    en: 'No reporting period {period} for {country}.',
    fr: 'Aucune période de rapportage {period} pour {country}.',
  },
  'response.period.locked': {
    status: 409,
    en: 'The period {period} of {country} is locked: nothing in it can change until it is unlocked, with a reason.',
    fr: 'La période {period} de {country} est verrouillée : rien n’y change avant son déverrouillage motivé.',
  },
  'response.period.closed': {
    status: 409,
    en: 'The period {period} of {country} is closed to new reports and changes by partners.',
    fr: 'La période {period} de {country} est close aux nouveaux rapports et aux modifications des partenaires.',
  },
  'response.period.transition': {
    status: 409,
    en: 'A period that is {from} cannot become {to} this way (open → closed → locked; unlocking is its own action).',
    fr: 'Une période {from} ne peut pas devenir {to} ainsi (ouverte → close → verrouillée ; le déverrouillage est une action à part).',
  },
  'response.period.reasonRequired': {
    status: 422,
    en: 'Unlocking a period says why: give a reason.',
    fr: 'Déverrouiller une période se motive : indiquez la raison.',
  },
  'response.period.invalid': {
    status: 400,
    en: '“{input}” is not a month (write it 2021-03).',
    fr: '« {input} » n’est pas un mois (écrivez-le 2021-03).',
  },
  'response.location.level': {
    status: 422,
    en: 'The place {pcode} is at admin level {level}; a report names an admin1, admin2 or admin3 unit (or a site within one).',
    fr: 'Le lieu {pcode} est de niveau administratif {level} ; un rapport désigne une unité admin1, admin2 ou admin3 (ou un site dans l’une d’elles).',
  },
  'response.report.notFound': {
    status: 404,
    en: 'Report {id} was not found.',
    fr: 'Le rapport {id} est introuvable.',
  },
  'response.report.notEditable': {
    status: 409,
    en: 'Report {id} is {status}: only drafts and rejected reports can be changed.',
    fr: 'Le rapport {id} est {status} : seuls les brouillons et les rapports rejetés peuvent être modifiés.',
  },
  'response.report.transition': {
    status: 409,
    en: 'Report {id} is {from} and cannot become {to} (draft → submitted → approved or rejected → published).',
    fr: 'Le rapport {id} est {from} et ne peut pas devenir {to} (brouillon → soumis → approuvé ou rejeté → publié).',
  },
  'response.report.commentRequired': {
    status: 422,
    en: 'A rejection says why: add a comment.',
    fr: 'Un rejet dit pourquoi : ajoutez un commentaire.',
  },
  'response.report.ownOrganisation': {
    status: 403,
    en: 'You report for your own organisation only.',
    fr: 'Vous ne rapportez que pour votre propre organisation.',
  },
  'response.figures.duplicateCell': {
    status: 422,
    en: 'The cell {cell} is given twice.',
    fr: 'La cellule {cell} est donnée deux fois.',
  },
  'response.figures.notWhole': {
    status: 422,
    en: 'The cell {cell} is not a whole number of zero or more.',
    fr: 'La cellule {cell} n’est pas un nombre entier positif ou nul.',
  },
  'response.figures.partsAboveTotal': {
    status: 422,
    en: 'The parts ({of}) of “{measure}” add up to {parts}, above the total {total}.',
    fr: 'Les parties ({of}) de « {measure} » font {parts}, plus que le total {total}.',
  },
  'response.figures.newAboveReached': {
    status: 422,
    en: '{reachedNew} new beneficiaries is more than the {reached} people reached.',
    fr: '{reachedNew} nouveaux bénéficiaires, c’est plus que les {reached} personnes atteintes.',
  },
  'response.import.uploadNotFound': {
    status: 404,
    en: 'No 5W file upload {id} that you may import.',
    fr: 'Aucun fichier 5W chargé n° {id} que vous puissiez importer.',
  },
  'response.import.jobNotFound': {
    status: 404,
    en: 'No 5W import job {id} that you may see.',
    fr: 'Aucune tâche d’import 5W n° {id} que vous puissiez voir.',
  },
  'response.import.forbidden': {
    status: 403,
    en: 'You may import 5W files of {country} only for your own organisation, or for any organisation where you manage the response.',
    fr: 'Vous ne pouvez importer des fichiers 5W de {country} que pour votre propre organisation, ou pour toute organisation là où vous gérez la réponse.',
  },
  'response.import.otherOrganisation': {
    status: 403,
    en: 'Row {row} names “{name}”, not your organisation {own}: a partner imports its own organisation’s reports only. Remove the other organisations’ rows or ask the IM officer to import the file.',
    fr: 'La ligne {row} nomme « {name} », pas votre organisation {own} : un partenaire n’importe que les rapports de sa propre organisation. Retirez les lignes des autres organisations ou demandez à l’IMO d’importer le fichier.',
  },
  'response.import.columnUnknown': {
    status: 422,
    en: 'The column “{column}” chosen for {field} is not a header of this sheet.',
    fr: 'La colonne « {column} » choisie pour {field} n’est pas un en-tête de cette feuille.',
  },
  'response.import.columnsMissing': {
    status: 422,
    en: 'The sheet has no column Liptako recognises for: {missing}. Choose the columns, or fix the headers (French, English or HXL tags) and upload the file again.',
    fr: 'La feuille n’a aucune colonne que Liptako reconnaisse pour : {missing}. Choisissez les colonnes, ou corrigez les en-têtes (français, anglais ou balises HXL) et chargez à nouveau le fichier.',
  },
  'response.import.sectorRequired': {
    status: 422,
    en: 'The file has no sector column: choose the sector its rows report on.',
    fr: 'Le fichier n’a pas de colonne secteur : choisissez le secteur dont ses lignes rendent compte.',
  },
  'response.import.periodRequired': {
    status: 422,
    en: 'The file has no dates: give the month it reports on (YYYY-MM).',
    fr: 'Le fichier n’a pas de dates : indiquez le mois dont il rend compte (AAAA-MM).',
  },
  'response.import.refusedRows': {
    status: 422,
    en: '{count} of {rows} rows cannot be stored ({rules}); nothing was stored. Correct the file (or confirm the sector labels), or import the other rows only.',
    fr: '{count} des {rows} lignes ne peuvent pas être enregistrées ({rules}) ; rien n’a été enregistré. Corrigez le fichier (ou confirmez les libellés de secteur), ou n’importez que les autres lignes.',
  },
  'response.import.noRows': {
    status: 422,
    en: 'None of the {rows} rows can be stored ({rules}); nothing was stored.',
    fr: 'Aucune des {rows} lignes ne peut être enregistrée ({rules}) ; rien n’a été enregistré.',
  },
  'response.import.tooManyRows': {
    status: 422,
    en: 'The sheet has more than {limit} rows: split the file by region or month.',
    fr: 'La feuille a plus de {limit} lignes : divisez le fichier par région ou par mois.',
  },
  'response.import.formulaWithoutValue': {
    status: 422,
    en: 'Row {row}, column “{column}” holds a formula without a saved result; Liptako never computes formulas. Open the file in Excel and save it (or paste the values), then upload it again.',
    fr: 'Ligne {row}, colonne « {column} » : une formule sans résultat enregistré ; Liptako ne calcule jamais de formule. Ouvrez le fichier dans Excel et enregistrez-le (ou collez les valeurs), puis chargez-le à nouveau.',
  },
} satisfies Record<string, CatalogueEntry>;

type ResponseMessages = typeof responseMessages;

// Makes these codes part of `ErrorCode` (the entries themselves are registered by src/modules.ts).
declare module '../core/errors.js' {
  interface ErrorCatalogue extends ResponseMessages {}
}
