/**
 * The dependency rule of ARCHITECTURE.md: lower layers never import higher ones.
 * Each layer lists what it may import of ours; anything else under main/ or renderer/ is forbidden.
 */
const layers = {
  base: [],
  mrz: ['base'],
  devices: ['base'],
  emrtd: ['base', 'mrz'],
  checks: ['base', 'mrz'],
  kiosk: ['base', 'mrz'], // plus type-only imports of emrtd and checks (rule below)
  store: ['base', 'kiosk'],
  sim: ['base', 'mrz', 'emrtd'],
  contract: ['base'],
};

const forbidden = Object.entries(layers).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `main/${layer} may import only: ${allowed.length ? allowed.join(', ') : 'nothing of ours'}`,
  severity: 'error',
  from: { path: `^main/${layer}/` },
  to: {
    path: '^(main|renderer)/',
    pathNot: [`^main/${layer}/`, ...allowed.map((a) => `^main/${a}/`), ...(layer === 'kiosk' ? ['^main/(emrtd|checks)/'] : [])],
  },
}));

forbidden.push(
  {
    name: 'kiosk-types-only',
    comment: 'main/kiosk may use only the types of emrtd and checks (ports are implemented in host)',
    severity: 'error',
    from: { path: '^main/kiosk/' },
    to: { path: '^main/(emrtd|checks)/', dependencyTypesNot: ['type-only'] },
  },
  {
    name: 'renderer-contract-only',
    comment: 'renderer/ may import only main/contract',
    severity: 'error',
    from: { path: '^renderer/' },
    to: { path: '^main/', pathNot: '^main/contract/' },
  },
  {
    name: 'electron-only-in-host-electron',
    comment: 'only main/host/electron (and the preload) may import electron',
    severity: 'error',
    from: { pathNot: '^(main/host/electron|renderer/preload)/' },
    to: { path: '(^|/)node_modules/electron/' },
  },
  {
    name: 'host-only-web-or-cli-composition',
    comment: 'nothing below host imports host',
    severity: 'error',
    from: { path: '^main/', pathNot: '^main/host/' },
    to: { path: '^main/host/' },
  },
  {
    name: 'no-circular',
    severity: 'error',
    from: {},
    to: { circular: true, dependencyTypesNot: ['type-only'] },
  },
);

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js', '.json'] },
  },
};
