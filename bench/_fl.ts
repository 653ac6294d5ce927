import { xstateFloor } from './xstate-floor.js';
console.log(await xstateFloor());
