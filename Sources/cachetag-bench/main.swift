import BenchCommands

CacheTagBench.main()
