export {
  createVirtualChip, buildCardAccess, DEFAULT_CHIP_TIMING,
  type VirtualChip, type VirtualChipOptions, type VirtualChipStats, type PaceConfig, type ChipFaults, type ChipTiming,
} from './chip.js';
export type { ChipCommand, ChipContext, ChipExtension, PaceCurve, PaceCipher } from './types.js';
