import { closestVariable, unknownVariableWarnings } from '../../src/config/unknown-variables';

describe('EPOSD_* variables that eposd does not know', () => {
  it.each([
    ['EPOSD_PROT', 'EPOSD_PORT'],
    ['EPOSD_SCREENPORT', 'EPOSD_SCREEN_PORT'],
    ['EPOSD_SIM_CARD_DELAY', 'EPOSD_SIM_CARD_DELAY_MS'],
    ['EPOSD_DATADIR', 'EPOSD_DATA_DIR'],
    ['eposd_port', 'EPOSD_PORT'],
    ['EPOSD_LOGLEVEL', 'EPOSD_LOG_LEVEL'],
  ])('when %s is set, then the warning names %s', (name, closest) => {
    expect(unknownVariableWarnings({ [name]: '1' })).toEqual([`${name} is not a setting of eposd and is ignored: did you mean ${closest}? (npm start -- --help lists them all)`]);
  });

  it('when a variable is like none of them, then the warning names it without a guess', () => {
    expect(closestVariable('EPOSD_BANANA_SPLIT')).toBeUndefined();
    expect(unknownVariableWarnings({ EPOSD_BANANA_SPLIT: 'x' })).toEqual(['EPOSD_BANANA_SPLIT is not a setting of eposd and is ignored (npm start -- --help lists them all)']);
  });

  it("when only known variables are set (eposd's settings, eposd-pos's EPOSD_POS_CONFIG, others' variables), then there is no warning", () => {
    expect(unknownVariableWarnings({ EPOSD_PORT: '1', EPOSD_SIM_MODE: 'manual', EPOSD_POS_CONFIG: '/x', PATH: '/bin', EPOSDX: '1' })).toEqual([]);
  });
});
