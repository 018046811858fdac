module github.com/nipc/nipc

go 1.26
