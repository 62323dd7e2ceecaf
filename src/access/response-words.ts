/**
 * Words of this response that people reach for first when they choose a password: its places,
 * organisations and jargon, in French and English. Given to the strength estimator as one more
 * dictionary, so "Sahel2021Sahel" or "Mopti@2024" are seen as guessable as "Password2021".
 * The breach lists and common words of English and French come with the estimator itself.
 */
export const RESPONSE_WORDS: readonly string[] = [
  // Places of the Central Sahel response
  'sahel', 'liptako', 'gourma', 'mali', 'niger', 'burkina', 'burkinafaso', 'faso',
  'bamako', 'mopti', 'segou', 'sikasso', 'kayes', 'koulikoro', 'gao', 'kidal', 'menaka', 'tombouctou', 'timbuktu', 'taoudeni', 'bandiagara', 'douentza',
  'niamey', 'tillaberi', 'tahoua', 'maradi', 'zinder', 'diffa', 'dosso', 'agadez',
  'ouagadougou', 'ouaga', 'bobo', 'dioulasso', 'koudougou', 'ouahigouya', 'dori', 'djibo', 'kaya', 'fada', 'ngourma',
  // Organisations and jargon
  'ocha', 'unhcr', 'hcr', 'unicef', 'iom', 'oim', 'dtm', 'wfp', 'pam', 'echo', 'hdx', 'hapi', 'fts', 'cluster',
  'humanitaire', 'humanitarian', 'deplaces', 'displaced', 'refugies', 'refugees', 'reponse', 'response',
];
