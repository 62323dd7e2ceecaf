import type { CatalogueEntry } from './errors.js';

/**
 * Catalogue entries of `liptako backup` and `liptako restore` (core/backup.ts), merged into the
 * one catalogue in core/errors.ts. A restore that meets any of them changes nothing.
 */
export const backupMessages = {
  'backup.sourceEmpty': {
    status: 422,
    en: 'There is nothing to back up: {database} holds no Liptako database (check the data folder or DATABASE_URL).',
    fr: 'Rien à sauvegarder : {database} ne contient aucune base Liptako (vérifiez le dossier de données ou DATABASE_URL).',
  },
  'backup.notBackup': {
    status: 415,
    en: 'This file is not a Liptako backup (expected a file written by `liptako backup`: gzip-compressed, starting with a liptako-backup header).',
    fr: 'Ce fichier n’est pas une sauvegarde Liptako (attendu : un fichier écrit par `liptako backup`, compressé en gzip et commençant par un en-tête liptako-backup).',
  },
  'backup.formatUnsupported': {
    status: 422,
    en: 'This backup uses format version {version}, which this version of Liptako cannot read (it reads version {supported}). Restore it with the Liptako version that wrote it or a newer one.',
    fr: 'Cette sauvegarde utilise le format version {version}, que cette version de Liptako ne sait pas lire (elle lit la version {supported}). Restaurez-la avec la version de Liptako qui l’a écrite ou une plus récente.',
  },
  'backup.truncated': {
    status: 422,
    en: 'The backup file ends early (after {rows} rows): it is incomplete, probably an interrupted copy. Nothing was restored.',
    fr: 'Le fichier de sauvegarde s’arrête trop tôt (après {rows} lignes) : il est incomplet, sans doute une copie interrompue. Rien n’a été restauré.',
  },
  'backup.corrupt': {
    status: 422,
    en: 'The backup file is damaged at line {line} ({reason}). Nothing was restored.',
    fr: 'Le fichier de sauvegarde est endommagé à la ligne {line} ({reason}). Rien n’a été restauré.',
  },
  'backup.newerSchema': {
    status: 422,
    en: 'This backup comes from a newer Liptako (database migration level {backupLevel}; this version knows {codeLevel}). Upgrade Liptako, then restore.',
    fr: 'Cette sauvegarde provient d’une version plus récente de Liptako (niveau de migration {backupLevel} ; cette version connaît {codeLevel}). Mettez Liptako à jour, puis restaurez.',
  },
  'backup.migrationMismatch': {
    status: 422,
    en: 'The backup’s database was built with a different migration {version} ({name}) than this Liptako’s: it comes from another branch or an edited installation and cannot be restored safely.',
    fr: 'La base sauvegardée a été construite avec une migration {version} ({name}) différente de celle de ce Liptako : elle provient d’une autre branche ou d’une installation modifiée et ne peut pas être restaurée sans risque.',
  },
  'backup.targetNewer': {
    status: 409,
    en: 'The target database is at migration level {targetLevel}, newer than the backup’s ({backupLevel}). Restore into a new, empty database (an empty data folder or a new PostgreSQL database): Liptako migrates it after restoring.',
    fr: 'La base cible est au niveau de migration {targetLevel}, plus récent que celui de la sauvegarde ({backupLevel}). Restaurez dans une base neuve et vide (un dossier de données vide ou une nouvelle base PostgreSQL) : Liptako la migre après la restauration.',
  },
  'backup.targetNotEmpty': {
    status: 409,
    en: 'The target database already holds data (tables {tables}). Restoring would replace all of it: restore into an empty database, or confirm with --force.',
    fr: 'La base cible contient déjà des données (tables {tables}). La restauration les remplacerait toutes : restaurez dans une base vide, ou confirmez avec --force.',
  },
  'backup.schemaMismatch': {
    status: 422,
    en: 'The backup does not match the database schema at the same migration level: {detail}. The database or the backup was changed by hand; nothing was restored.',
    fr: 'La sauvegarde ne correspond pas au schéma de la base au même niveau de migration : {detail}. La base ou la sauvegarde a été modifiée à la main ; rien n’a été restauré.',
  },
  'backup.rowRefused': {
    status: 422,
    en: 'The database refused a row of table {table} (backup line {line}): {reason}. Nothing was restored.',
    fr: 'La base de données a refusé une ligne de la table {table} (ligne {line} de la sauvegarde) : {reason}. Rien n’a été restauré.',
  },
} satisfies Record<string, CatalogueEntry>;
