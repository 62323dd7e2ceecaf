import type { CatalogueEntry } from '../core/errors.js';

/** Catalogue entries of the geography module (registered through the module contract; see core/errors.ts). */
export const geoMessages = {
  'geo.unit.notFound': {
    status: 404,
    en: 'No admin unit has the P-code {pcode}.',
    fr: 'Aucune unité administrative n’a le P-code {pcode}.',
  },
  'geo.pcode.invalid': {
    status: 400,
    en: '“{input}” is not a P-code Liptako can read.',
    fr: '« {input} » n’est pas un P-code que Liptako sait lire.',
  },
  'geo.pcode.ambiguous': {
    status: 400,
    en: '“{input}” is ambiguous; did you mean {candidates}? Liptako does not guess.',
    fr: '« {input} » est ambigu ; vouliez-vous dire {candidates} ? Liptako ne devine pas.',
  },
  'geo.country.unknown': {
    status: 400,
    en: '“{input}” is not a country code (use ISO2 such as BF, or ISO3 such as BFA).',
    fr: '« {input} » n’est pas un code pays (utilisez l’ISO2, p. ex. BF, ou l’ISO3, p. ex. BFA).',
  },
  'geo.import.rowsRefused': {
    status: 422,
    en: '{count} row(s) of the file were refused; nothing was imported. Fix them, or import again skipping the refused rows.',
    fr: '{count} ligne(s) du fichier ont été refusées ; rien n’a été importé. Corrigez-les, ou importez à nouveau en ignorant les lignes refusées.',
  },
  'geo.import.reformNeedsDate': {
    status: 409,
    en: 'The names of {count} unit(s) of {country} level {level} in this file differ from the current ones under the same P-codes: the file is another version of the boundaries (a reform, or an older edition). Give the date from which its boundaries are valid to import it as its own version.',
    fr: 'Les noms de {count} unité(s) de {country} niveau {level} diffèrent des noms actuels sous les mêmes P-codes : le fichier est une autre version des limites (un redécoupage, ou une édition plus ancienne). Indiquez la date d’entrée en vigueur de ses limites pour l’importer comme une version à part.',
  },
  'geo.import.populationYearMissing': {
    status: 422,
    en: 'This population table has no year column; give the reference year of the figures.',
    fr: 'Ce tableau de population n’a pas de colonne d’année ; indiquez l’année de référence des chiffres.',
  },
  'geo.import.unknownPcode': {
    status: 422,
    en: 'No admin unit has the P-code {pcode} on {date}.',
    fr: 'Aucune unité administrative n’a le P-code {pcode} au {date}.',
  },
  // Row-level problems found by the parsers of src/geo/formats.ts (one RowIssue each).
  'geo.import.pcodeMissing': {
    status: 422,
    en: 'The P-code is missing.',
    fr: 'Le P-code est absent.',
  },
  'geo.import.pcodeInvalid': {
    status: 422,
    en: '“{value}” is not a valid P-code ({reason}).',
    fr: '« {value} » n’est pas un P-code valide ({reason}).',
  },
  'geo.import.pcodeAmbiguous': {
    status: 422,
    en: '“{value}” is ambiguous (leading zeros lost?); it could be {candidates}. Write the full P-code.',
    fr: '« {value} » est ambigu (zéros initiaux perdus ?) ; il peut s’agir de {candidates}. Écrivez le P-code complet.',
  },
  'geo.import.levelInvalid': {
    status: 422,
    en: '“{value}” is not an admin level (expected a whole number such as 1 or 2).',
    fr: '« {value} » n’est pas un niveau administratif (nombre entier attendu, p. ex. 1 ou 2).',
  },
  'geo.import.levelMismatch': {
    status: 422,
    en: 'The P-code {pcode} is an admin{pcodeLevel} code, but the row says admin level {level}.',
    fr: 'Le P-code {pcode} est un code admin{pcodeLevel}, mais la ligne indique le niveau administratif {level}.',
  },
  'geo.import.parentInvalid': {
    status: 422,
    en: '“{value}” is not a valid parent P-code.',
    fr: '« {value} » n’est pas un P-code parent valide.',
  },
  'geo.import.parentMismatch': {
    status: 422,
    en: 'The parent {parent} does not match the P-code {pcode}, whose parent is {expected}.',
    fr: 'Le parent {parent} ne correspond pas au P-code {pcode}, dont le parent est {expected}.',
  },
  'geo.import.countryInvalid': {
    status: 422,
    en: '“{value}” is not a country code (ISO3 such as BFA, or ISO2 such as BF).',
    fr: '« {value} » n’est pas un code pays (ISO3 comme BFA, ou ISO2 comme BF).',
  },
  'geo.import.countryMismatch': {
    status: 422,
    en: 'The country {country} does not match the P-code {pcode}, which belongs to {expected}.',
    fr: 'Le pays {country} ne correspond pas au P-code {pcode}, qui appartient à {expected}.',
  },
  'geo.import.nameMissing': {
    status: 422,
    en: 'The admin unit has no name.',
    fr: 'L’unité administrative n’a pas de nom.',
  },
  'geo.import.duplicatePcode': {
    status: 422,
    en: 'The P-code {pcode} already appears in row {firstRow} of this file.',
    fr: 'Le P-code {pcode} figure déjà à la ligne {firstRow} de ce fichier.',
  },
  'geo.import.yearInvalid': {
    status: 422,
    en: '“{value}” is not a year (expected four digits such as 2023).',
    fr: '« {value} » n’est pas une année (quatre chiffres attendus, p. ex. 2023).',
  },
  'geo.import.partsExceedTotal': {
    status: 422,
    en: 'The total {total} is smaller than its parts (women + men = {parts}).',
    fr: 'Le total {total} est inférieur à la somme de ses parties (femmes + hommes = {parts}).',
  },
  'geo.import.featureInvalid': {
    status: 422,
    en: 'This entry is not a GeoJSON feature (an object with a geometry and properties).',
    fr: 'Cette entrée n’est pas une entité GeoJSON (un objet avec une géométrie et des propriétés).',
  },
  'geo.import.geometryMissing': {
    status: 422,
    en: 'The feature has no geometry.',
    fr: 'L’entité n’a pas de géométrie.',
  },
  'geo.import.geometryType': {
    status: 422,
    en: 'The geometry is a {type}; admin boundaries must be Polygon or MultiPolygon.',
    fr: 'La géométrie est de type {type} ; les limites administratives doivent être des Polygon ou MultiPolygon.',
  },
  'geo.import.geometryInvalid': {
    status: 422,
    en: 'The geometry is malformed: its coordinates are not nested lists of [longitude, latitude] rings.',
    fr: 'La géométrie est mal formée : ses coordonnées ne sont pas des anneaux de [longitude, latitude] imbriqués.',
  },
  'geo.import.coordinateInvalid': {
    status: 422,
    en: 'The coordinate {value} is not a pair of finite numbers.',
    fr: 'La coordonnée {value} n’est pas une paire de nombres finis.',
  },
  'geo.import.coordinateOutOfRange': {
    status: 422,
    en: 'The coordinate {value} is outside longitude −180…180 / latitude −90…90: the file is probably not in WGS 84 (EPSG:4326).',
    fr: 'La coordonnée {value} est hors des longitudes −180…180 / latitudes −90…90 : le fichier n’est probablement pas en WGS 84 (EPSG:4326).',
  },
  'geo.import.ringTooShort': {
    status: 422,
    en: 'A ring of the polygon has only {count} points; at least 4 are needed.',
    fr: 'Un anneau du polygone n’a que {count} points ; il en faut au moins 4.',
  },
  // File-level problems of boundary files (thrown as AppError).
  'geo.import.notGeoJson': {
    status: 422,
    en: 'This JSON is neither a GeoJSON FeatureCollection nor a TopoJSON Topology (found: {found}).',
    fr: 'Ce JSON n’est ni une FeatureCollection GeoJSON ni une Topology TopoJSON (trouvé : {found}).',
  },
  'geo.import.topologyInvalid': {
    status: 422,
    en: 'The TopoJSON file is malformed ({part} is not valid).',
    fr: 'Le fichier TopoJSON est mal formé ({part} n’est pas valide).',
  },
  'geo.import.crsUnsupported': {
    status: 422,
    en: 'The coordinates are in {crs}; only WGS 84 longitude/latitude (EPSG:4326) is accepted. Reproject the file and try again.',
    fr: 'Les coordonnées sont en {crs} ; seul le WGS 84 longitude/latitude (EPSG:4326) est accepté. Reprojetez le fichier et réessayez.',
  },
  'geo.import.noPcodeProperty': {
    status: 422,
    en: 'No property of the features holds admin P-codes, by its name (admin1Pcode, ADM2_PCODE, admin2Pcod…) or by its values. Properties found: {properties}. Name the property that holds the P-codes (pcodeProperty; CLI: --pcode-property).',
    fr: 'Aucune propriété des entités ne contient de P-codes administratifs, ni par son nom (admin1Pcode, ADM2_PCODE, admin2Pcod…) ni par ses valeurs. Propriétés trouvées : {properties}. Indiquez la propriété qui contient les P-codes (pcodeProperty ; CLI : --pcode-property).',
  },
  'geo.import.pcodePropertyAmbiguous': {
    status: 422,
    en: 'Several properties hold different admin{level} P-codes ({properties}): name the one that identifies each unit (pcodeProperty; CLI: --pcode-property).',
    fr: 'Plusieurs propriétés contiennent des P-codes d’admin{level} différents ({properties}) : indiquez celle qui identifie chaque unité (pcodeProperty ; CLI : --pcode-property).',
  },
  'geo.import.propertyNotFound': {
    status: 422,
    en: 'The features have no property “{property}”. Properties found: {properties}.',
    fr: 'Les entités n’ont pas de propriété « {property} ». Propriétés trouvées : {properties}.',
  },
  'geo.import.propertyNotPcodes': {
    status: 422,
    en: 'No value of the property “{property}” reads as an admin P-code.',
    fr: 'Aucune valeur de la propriété « {property} » ne se lit comme un P-code administratif.',
  },
} satisfies Record<string, CatalogueEntry>;

type GeoMessages = typeof geoMessages;

// Makes these codes part of `ErrorCode` (the entries themselves are registered by src/modules.ts).
declare module '../core/errors.js' {
  interface ErrorCatalogue extends GeoMessages {}
}
