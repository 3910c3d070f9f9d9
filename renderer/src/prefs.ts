/** Display preferences of the traveller screens. */
export interface Prefs {
  highContrast: boolean;
  largeText: boolean;
}
