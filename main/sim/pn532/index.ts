export * from './simulator.js';
export * from './port.js';
export { HostFrameParser, responseFrame, SIM_ACK, SIM_ERROR_FRAME } from './wire.js';
