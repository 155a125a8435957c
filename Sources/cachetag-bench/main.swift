import BenchCommands

CacheTagBench.runAsMain()
