/**
 * PN532 status byte (UM0701-02 §7.1 "Error handling"): bits 0-5 the error code, bit 6 MI (More
 * Information), bit 7 NAD present. The names below are the manual's descriptions, shortened.
 */
export const STATUS_ERROR_MASK = 0x3f;
export const STATUS_MI = 0x40;
export const STATUS_NAD = 0x80;

export interface StatusInfo {
  /** Stable error code used in DeviceError.code. */
  code: string;
  /** The manual's meaning, for messages and logs. */
  name: string;
}

export const PN532_STATUS: Readonly<Record<number, StatusInfo>> = {
  0x01: { code: 'PN532_TIMEOUT', name: 'Time Out, the target has not answered' },
  0x02: { code: 'PN532_CRC_ERROR', name: 'A CRC error has been detected by the CIU' },
  0x03: { code: 'PN532_PARITY_ERROR', name: 'A Parity error has been detected by the CIU' },
  0x04: { code: 'PN532_BIT_COUNT_ERROR', name: 'An erroneous Bit Count has been detected during anti-collision/select' },
  0x05: { code: 'PN532_FRAMING_ERROR', name: 'Framing error during Mifare operation' },
  0x06: { code: 'PN532_BIT_COLLISION', name: 'An abnormal bit-collision has been detected during bit wise anti-collision at 106 kbps' },
  0x07: { code: 'PN532_BUFFER_SIZE_INSUFFICIENT', name: 'Communication buffer size insufficient' },
  0x09: { code: 'PN532_RF_BUFFER_OVERFLOW', name: 'RF Buffer overflow has been detected by the CIU' },
  0x0a: { code: 'PN532_RF_FIELD_NOT_ON', name: 'In active communication mode, the RF field has not been switched on in time by the counterpart' },
  0x0b: { code: 'PN532_RF_PROTOCOL_ERROR', name: 'RF Protocol error' },
  0x0d: { code: 'PN532_OVERHEATING', name: 'Temperature error: the antenna drivers were switched off' },
  0x0e: { code: 'PN532_INTERNAL_BUFFER_OVERFLOW', name: 'Internal buffer overflow' },
  0x10: { code: 'PN532_INVALID_PARAMETER', name: 'Invalid parameter (range, format, ...)' },
  0x12: { code: 'PN532_DEP_UNSUPPORTED_COMMAND', name: 'DEP Protocol: the PN532 configured in target mode does not support the command received from the initiator' },
  0x13: { code: 'PN532_DATA_FORMAT_ERROR', name: 'DEP Protocol, Mifare or ISO/IEC14443-4: the data format does not match to the specification' },
  0x14: { code: 'PN532_MIFARE_AUTH_ERROR', name: 'Mifare: Authentication error' },
  0x23: { code: 'PN532_UID_CHECK_BYTE_WRONG', name: 'ISO/IEC14443-3: UID Check byte is wrong' },
  0x25: { code: 'PN532_DEP_INVALID_DEVICE_STATE', name: 'DEP Protocol: Invalid device state' },
  0x26: { code: 'PN532_OPERATION_NOT_ALLOWED', name: 'Operation not allowed in this configuration (host controller interface)' },
  0x27: { code: 'PN532_COMMAND_NOT_ACCEPTABLE', name: 'This command is not acceptable due to the current context of the PN532' },
  0x29: { code: 'PN532_RELEASED_BY_INITIATOR', name: 'The PN532 configured as target has been released by its initiator' },
  0x2a: { code: 'PN532_CARD_EXCHANGED', name: 'ISO/IEC14443-3B: the ID of the card does not match, the card has been exchanged' },
  0x2b: { code: 'PN532_CARD_DISAPPEARED', name: 'ISO/IEC14443-3B: the card previously activated has disappeared' },
  0x2c: { code: 'PN532_NFCID3_MISMATCH', name: 'Mismatch between the NFCID3 initiator and the NFCID3 target in DEP 212/424 kbps passive' },
  0x2d: { code: 'PN532_OVER_CURRENT', name: 'An over-current event has been detected' },
  0x2e: { code: 'PN532_NAD_MISSING', name: 'NAD missing in DEP frame' },
};

export function statusInfo(error: number): StatusInfo {
  return PN532_STATUS[error] ?? { code: 'PN532_STATUS_UNKNOWN', name: `unknown status 0x${error.toString(16).padStart(2, '0')}` };
}
