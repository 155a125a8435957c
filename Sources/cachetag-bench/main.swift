print("cachetag-bench")
