// Child process of the layout benchmark: lays out one generated graph with one algorithm and prints
// the figure as JSON. Usage: layout-child.ts <nodes> <seed> <algorithm> <repeats>
import { benchGraph, measureLayout, type BenchAlgorithm } from "./layout-bench";

const [size, seed, algorithm, repeats] = process.argv.slice(2);
const figure = measureLayout(benchGraph(Number(size), Number(seed)), algorithm as BenchAlgorithm, Number(repeats));
process.stdout.write(JSON.stringify(figure));
