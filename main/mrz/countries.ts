/**
 * Three-letter codes valid as issuing state or nationality in an MRZ (ICAO Doc 9303 Part 3, 5):
 * ISO 3166-1 alpha-3, the codes ICAO adds for other issuing authorities and special cases,
 * a few codes still found on documents in circulation, and UTO (the fictitious state "Utopia" of
 * the ICAO specimens). In the MRZ a code shorter than three letters is padded with `<` (`D<<`);
 * the functions here take the code without fillers.
 */

/** ISO 3166-1 alpha-3. */
export const ISO_3166_ALPHA3: readonly string[] = [
  'ABW', 'AFG', 'AGO', 'AIA', 'ALA', 'ALB', 'AND', 'ARE', 'ARG', 'ARM', 'ASM', 'ATA', 'ATF', 'ATG', 'AUS', 'AUT',
  'AZE', 'BDI', 'BEL', 'BEN', 'BES', 'BFA', 'BGD', 'BGR', 'BHR', 'BHS', 'BIH', 'BLM', 'BLR', 'BLZ', 'BMU', 'BOL',
  'BRA', 'BRB', 'BRN', 'BTN', 'BVT', 'BWA', 'CAF', 'CAN', 'CCK', 'CHE', 'CHL', 'CHN', 'CIV', 'CMR', 'COD', 'COG',
  'COK', 'COL', 'COM', 'CPV', 'CRI', 'CUB', 'CUW', 'CXR', 'CYM', 'CYP', 'CZE', 'DEU', 'DJI', 'DMA', 'DNK', 'DOM',
  'DZA', 'ECU', 'EGY', 'ERI', 'ESH', 'ESP', 'EST', 'ETH', 'FIN', 'FJI', 'FLK', 'FRA', 'FRO', 'FSM', 'GAB', 'GBR',
  'GEO', 'GGY', 'GHA', 'GIB', 'GIN', 'GLP', 'GMB', 'GNB', 'GNQ', 'GRC', 'GRD', 'GRL', 'GTM', 'GUF', 'GUM', 'GUY',
  'HKG', 'HMD', 'HND', 'HRV', 'HTI', 'HUN', 'IDN', 'IMN', 'IND', 'IOT', 'IRL', 'IRN', 'IRQ', 'ISL', 'ISR', 'ITA',
  'JAM', 'JEY', 'JOR', 'JPN', 'KAZ', 'KEN', 'KGZ', 'KHM', 'KIR', 'KNA', 'KOR', 'KWT', 'LAO', 'LBN', 'LBR', 'LBY',
  'LCA', 'LIE', 'LKA', 'LSO', 'LTU', 'LUX', 'LVA', 'MAC', 'MAF', 'MAR', 'MCO', 'MDA', 'MDG', 'MDV', 'MEX', 'MHL',
  'MKD', 'MLI', 'MLT', 'MMR', 'MNE', 'MNG', 'MNP', 'MOZ', 'MRT', 'MSR', 'MTQ', 'MUS', 'MWI', 'MYS', 'MYT', 'NAM',
  'NCL', 'NER', 'NFK', 'NGA', 'NIC', 'NIU', 'NLD', 'NOR', 'NPL', 'NRU', 'NZL', 'OMN', 'PAK', 'PAN', 'PCN', 'PER',
  'PHL', 'PLW', 'PNG', 'POL', 'PRI', 'PRK', 'PRT', 'PRY', 'PSE', 'PYF', 'QAT', 'REU', 'ROU', 'RUS', 'RWA', 'SAU',
  'SDN', 'SEN', 'SGP', 'SGS', 'SHN', 'SJM', 'SLB', 'SLE', 'SLV', 'SMR', 'SOM', 'SPM', 'SRB', 'SSD', 'STP', 'SUR',
  'SVK', 'SVN', 'SWE', 'SWZ', 'SXM', 'SYC', 'SYR', 'TCA', 'TCD', 'TGO', 'THA', 'TJK', 'TKL', 'TKM', 'TLS', 'TON',
  'TTO', 'TUN', 'TUR', 'TUV', 'TWN', 'TZA', 'UGA', 'UKR', 'UMI', 'URY', 'USA', 'UZB', 'VAT', 'VCT', 'VEN', 'VGB',
  'VIR', 'VNM', 'VUT', 'WLF', 'WSM', 'YEM', 'ZAF', 'ZMB', 'ZWE',
];

/** Codes of Doc 9303 Part 3 that are not ISO 3166-1 alpha-3 (with what they stand for). */
export const ICAO_SPECIAL_CODES: Readonly<Record<string, string>> = {
  D: 'Germany',
  GBD: 'British Overseas Territories Citizen',
  GBN: 'British National (Overseas)',
  GBO: 'British Overseas Citizen',
  GBP: 'British Protected Person',
  GBS: 'British Subject',
  EUE: 'European Union',
  UNO: 'United Nations Organization or one of its officials',
  UNA: 'Specialized agency of the United Nations or one of its officials',
  UNK: 'Resident of Kosovo to whom a travel document has been issued by UNMIK',
  XBA: 'African Development Bank',
  XIM: 'African Export-Import Bank',
  XCC: 'Caribbean Community or one of its emissaries',
  XCE: 'Council of Europe',
  XCO: 'Common Market for Eastern and Southern Africa',
  XEC: 'Economic Community of West African States',
  XPO: 'International Criminal Police Organization (INTERPOL)',
  XES: 'Organisation of Eastern Caribbean States',
  XOM: 'Sovereign Military Order of Malta or one of its emissaries',
  XDC: 'Southern African Development Community',
  XXA: 'Stateless person (1954 Convention)',
  XXB: 'Refugee (1951 Convention)',
  XXC: 'Refugee (other than under the 1951 Convention)',
  XXX: 'Person of unspecified nationality',
  RKS: 'Kosovo',
  XXK: 'Kosovo (used by some issuing states)',
  ANT: 'Netherlands Antilles (former code, documents still in circulation)',
  NTZ: 'Neutral Zone (former code)',
  UTO: 'Utopia (ICAO specimen documents only)',
};

const ALL = new Set<string>([...ISO_3166_ALPHA3, ...Object.keys(ICAO_SPECIAL_CODES)]);

/** Every code accepted as issuing state or nationality (without fillers). */
export const MRZ_COUNTRY_CODES: ReadonlySet<string> = ALL;

/** True when `code` (fillers trimmed, e.g. `D` for `D<<`) is a valid MRZ issuing state or nationality. */
export function isMrzCountryCode(code: string): boolean {
  return ALL.has(code);
}

/** Whether a 3-character MRZ country field (letters padded with `<`, e.g. `D<<`) holds a valid code. */
export function isMrzCountryField(field: string): boolean {
  return /^[A-Z]+<*$/.test(field) && ALL.has(field.replace(/<+$/, ''));
}
